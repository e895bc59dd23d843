from django.urls import path

from fupin.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.ImportJobListView.as_view(), name="importjob-list"),
    path("<int:pk>/", views.ImportJobDetailView.as_view(), name="importjob-detail"),
    path("<int:pk>/commit/", views.ImportCommitView.as_view(), name="importjob-commit"),
    path("<int:pk>/annotated/", views.AnnotatedDownloadView.as_view(), name="importjob-annotated"),
    path("new/<str:kind>/", views.ImportStartView.as_view(), name="importjob-add"),
    path("template/<str:kind>/", views.TemplateDownloadView.as_view(), name="template"),
]
