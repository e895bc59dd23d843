from django.urls import path

from fupin.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="auditevent-list"),
    path("<int:pk>/", views.AuditEventDetailView.as_view(), name="auditevent-detail"),
]
