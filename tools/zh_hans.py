"""Chinese translations of fupin's messages, kept as data and merged into the catalogue.

`make messages` extracts the strings; `python tools/zh_hans.py` fills every msgstr of the
zh_Hans catalogue from this table (and reports any string it lacks), then compiles it.
A translator may equally edit fupin/locale/zh_Hans/LC_MESSAGES/django.po by hand.
"""

ZH = {
    "Unknown role “%(role)s”.": "未知角色“%(role)s”。",
    "There is no region with code “%(code)s”.": "没有区划代码为“%(code)s”的区划。",
    "The role %(role)s is granted on a %(level)s, not on %(region)s.": "%(role)s只能授予在%(level)s级区划上，不能授予在%(region)s。",
    "%(region)s is outside the regions you administer.": "%(region)s不在您管理的区划范围内。",
    "You cannot grant a role above your own.": "不能授予高于您本人的角色。",
    "This user is outside the regions you administer.": "该用户不在您管理的区划范围内。",
    "You cannot deactivate your own account.": "不能停用您自己的账号。",
    "You cannot delete your own account.": "不能删除您自己的账号。",
    "This user already holds that role there.": "该用户在此区划已有这个角色。",
    "Accounts": "账号",
    "Province administrator": "省级管理员",
    "City administrator": "市级管理员",
    "County administrator": "县级管理员",
    "Township administrator": "乡镇管理员",
    "Village party secretary": "村党组织书记",
    "First secretary": "第一书记",
    "Helper": "帮扶责任人",
    "Auditor": "审计员",
    "Name or user name": "姓名或用户名",
    "Role": "角色",
    "Within region (code)": "所属区划（代码）",
    "Active": "启用",
    "User": "用户",
    "Region code": "区划代码",
    "The statistical code, e.g. 510105 for a county.": "统计用区划代码，例如县级为 510105。",
    "User name": "用户名",
    "Full name": "姓名",
    "Email": "电子邮箱",
    "Password": "密码",
    "New password": "新密码",
    "New password again": "再次输入新密码",
    "The two passwords differ.": "两次输入的密码不一致。",
    "Current password": "当前密码",
    "The user was not created:": "用户未创建：",
    "Created %(user)s as %(role)s of %(region)s.": "已创建用户 %(user)s，角色为 %(region)s 的%(role)s。",
    "Password: %(password)s": "密码：%(password)s",
    "There is no such user:": "没有这个用户：",
    "user": "用户",
    "users": "用户",
    "region": "区划",
    "role": "角色",
    "granted at": "授予时间",
    "granted by": "授予人",
    "grant": "授权",
    "grants": "授权",
    "This is outside the regions you are responsible for.": "这超出了您负责的区划范围。",
    "Roles": "角色",
    "Last login": "最近登录",
    "Region": "区划",
    "Granted at": "授予时间",
    "Granted by": "授予人",
    "Remove": "移除",
    "Too many failed logins": "登录失败次数过多",
    "This account is locked for 15 minutes after five wrong passwords. Try again later, or ask your administrator to reset the password.": "密码连续输错五次，该账号已锁定 15 分钟。请稍后再试，或请管理员重置密码。",
    "Log in": "登录",
    "Edit": "编辑",
    "Set password": "设置密码",
    "Delete": "删除",
    "yes": "是",
    "no": "否",
    "Add a role": "添加角色",
    "Add": "添加",
    "History of this user": "该用户的操作记录",
    "Add a user": "添加用户",
    "Users": "用户",
    "Edit user": "编辑用户",
    "Delete user": "删除用户",
    "The user was deleted.": "用户已删除。",
    "Remove role": "移除角色",
    "Change my password": "修改我的密码",
    "The current password is wrong.": "当前密码不正确。",
    "Audit": "审计",
    "Search": "搜索",
    "Action": "操作",
    "Actor (user name)": "操作人（用户名）",
    "Object type": "对象类型",
    "Object id": "对象编号",
    "From": "起始日期",
    "To": "截止日期",
    "time": "时间",
    "actor": "操作人",
    "actor name": "操作人名称",
    "action": "操作",
    "object type": "对象类型",
    "object id": "对象编号",
    "object": "对象",
    "region code": "区划代码",
    "before": "修改前",
    "after": "修改后",
    "request or job id": "请求或任务编号",
    "audit event": "审计事件",
    "audit events": "审计事件",
    "Time": "时间",
    "Actor": "操作人",
    "Object": "对象",
    "Audit log": "审计日志",
    "Request or job id": "请求或任务编号",
    "Before": "修改前",
    "After": "修改后",
    "Audit event": "审计事件",
    "Demo": "演示",
    "--scale must be greater than 0 and at most 1.": "--scale 必须大于 0 且不超过 1。",
    "Demo built: %(counties)s poor counties, %(villages)s poor villages.": "演示数据已生成：贫困县 %(counties)s 个，贫困村 %(villages)s 个。",
    "County A is %(a)s, its sibling county B is %(b)s.": "县 A 为 %(a)s，相邻的县 B 为 %(b)s。",
    "Users (password %(password)s):": "用户（密码 %(password)s）：",
    "Log in as admin / %(password)s at http://127.0.0.1:8000": "请在 http://127.0.0.1:8000 以 admin / %(password)s 登录",
    "Your role does not allow this page.": "您的角色无权访问此页面。",
    "Saved.": "已保存。",
    "You may not do this.": "您无权进行此操作。",
    "Regions": "行政区划",
    "Province": "省",
    "City": "市",
    "County": "县",
    "Township": "乡镇",
    "Village": "村",
    "Name or code": "名称或代码",
    "Level": "级别",
    "Parent code": "上级代码",
    "Poor": "贫困",
    "Name contains": "名称包含",
    "line %(line)d: %(message)s": "第 %(line)d 行：%(message)s",
    "the file is not UTF-8 text (wrong encoding); save it as CSV UTF-8": "文件不是 UTF-8 编码（编码错误），请另存为“CSV UTF-8”格式",
    "the header must have the columns %(columns)s; it has %(header)s": "表头应包含列 %(columns)s，实际为 %(header)s",
    "duplicate code %(code)s (first on line %(first)d)": "代码 %(code)s 重复（首次出现在第 %(first)d 行）",
    "code “%(code)s” must be 2, 4, 6, 9 or 12 digits": "代码“%(code)s”必须是 2、4、6、9 或 12 位数字",
    "code %(code)s has no name": "代码 %(code)s 没有名称",
    "parent %(parent)s of %(code)s is neither in the file nor loaded": "%(code)s 的上级 %(parent)s 既不在文件中，也未导入",
    "code %(code)s has %(digits)d digits, but as a child of %(parent)s it is at level %(level)d, whose codes have %(expected)s digits": "代码 %(code)s 有 %(digits)d 位，但作为 %(parent)s 的下级属于第 %(level)d 级，该级代码应为 %(expected)s 位",
    "code %(code)s does not start with its parent's code %(parent)s": "代码 %(code)s 不以其上级代码 %(parent)s 开头",
    "the file has no rows": "文件没有数据行",
    "%(column)s “%(value)s” is not a year between %(first)d and %(last)d": "%(column)s“%(value)s”不是 %(first)d 至 %(last)d 之间的年份",
    "duplicate code %(code)s": "代码 %(code)s 重复",
    "there is no region with code “%(code)s”": "没有区划代码为“%(code)s”的区划",
    "%(code)s is not a county or a village; only those are designated poor": "%(code)s 不是县或村，只有县和村可以认定为贫困",
    "delisted in %(exited)d, before being designated poor in %(since)d": "摘帽（退出）年份 %(exited)d 早于认定贫困年份 %(since)d",
    "No such file:": "文件不存在：",
    "%(file)s was not loaded:": "%(file)s 未导入：",
    "%(created)s created, %(updated)s updated": "新增 %(created)s 个，更新 %(updated)s 个",
    "no changes": "无变化 (no changes)",
    "%(rows)s regions listed, %(changed)s changed": "列出区划 %(rows)s 个，变更 %(changed)s 个",
    "code": "代码",
    "name": "名称",
    "level": "级别",
    "parent": "上级",
    "poor": "贫困",
    "poor since": "认定贫困年份",
    "delisted in": "退出年份",
    "regions": "行政区划",
    "Code": "代码",
    "Name": "名称",
    "Sub-regions": "下级区划",
    "Poor villages": "贫困村",
    "Poor since": "认定贫困年份",
    "Delisted in": "退出年份",
    "Breadcrumbs": "导航路径",
    "A village has no sub-regions.": "村没有下级区划。",
    "Not allowed": "无权访问",
    "Not found": "未找到",
    "There is nothing here, or it is outside the regions you are responsible for.": "此处没有内容，或超出了您负责的区划范围。",
    "fupin": "扶贫",
    "API": "API",
    "Language": "语言",
    "Switch": "切换",
    "Log out": "退出登录",
    "This cannot be undone; it is recorded in the audit log.": "此操作不可撤销，并将记入审计日志。",
    "Confirm": "确认",
    "Cancel": "取消",
    "Save": "保存",
    "Export .xlsx": "导出 .xlsx",
    "Filter": "筛选",
    "Clear": "清除",
    "%(counter)s row": "共 %(counter)s 行",
    "Checking %(file)s…": "正在检查 %(file)s……",
    "Loading %(rows)s regions…": "正在导入 %(rows)s 个区划……",
    "Marking %(rows)s regions…": "正在标记 %(rows)s 个区划……",
    "Building the demo province…": "正在生成演示数据……",
    "The password is too short: it needs at least %(min)d character.": "密码太短：至少需要 %(min)d 个字符。",
    "At least %(min)d character.": "至少 %(min)d 个字符。",
}


def main() -> int:
    import subprocess
    import sys
    from pathlib import Path

    import polib

    root = Path(__file__).resolve().parent.parent
    path = root / "fupin" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        zh = ZH.get(entry.msgid)
        if zh is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: zh}
        else:
            entry.msgstr = zh
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.save()
    subprocess.run(["msgfmt", "-o", str(path.with_suffix(".mo")), str(path)], check=True)
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
