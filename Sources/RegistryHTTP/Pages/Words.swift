import TeacherGrowth

/// The words of the pages, in both languages (UI-NOTES: the words people expect).
enum Words {
    static let table: [String: (zh: String, en: String)] = [
        "app": ("教师成长登记系统", "Teacher growth registry"),
        "signIn": ("登录", "Sign in"), "signOut": ("退出登录", "Sign out"), "changePassword": ("修改密码", "Change password"),
        "navigation": ("导航", "Navigation"), "footer": ("酉阳县教育委员会 · 教师成长登记系统", "Youyang County Education Commission · teacher growth registry"),
        "login": ("登录名", "Login"), "password": ("密码", "Password"),
        "loginHint": ("忘记密码请联系县教委人事科重设。", "Forgot your password? Ask the county office to reset it."),
        "home": ("返回首页", "Home"),
        // principal
        "teachers": ("专任教师", "Teachers"), "behindOnHours": ("学时落后", "Behind on hours"), "countyOverdue": ("县级培训逾期", "County training overdue"),
        "countySoon": ("县级培训 90 天内到期", "County training due in 90 days"), "noCertificate": ("资格证不符", "No fitting certificate"),
        "registrationDue": ("注册临期/逾期", "Registration due or overdue"), "registrationOverdue": ("注册逾期", "Registration overdue"),
        "registrationSoon": ("注册临期", "Registration due soon"),
        "show": ("显示", "Show"), "asOf": ("截至", "As of"), "apply": ("查看", "Apply"), "downloadExcel": ("导出 Excel", "Download Excel"),
        "name": ("姓名", "Name"), "staffNo": ("工号", "Staff no."), "cycleHours": ("周期学时 / 进度要求", "Cycle hours / required"), "onTrack": ("达进度", "on track"),
        "behind": ("落后", "behind"), "hoursNeeded": ("尚需学时", "Hours still needed"), "perYear": ("年", "yr"),
        "countyTraining": ("县级以上培训到期", "County training due"), "never": ("从未参加县级以上培训", "never had a county-level training"),
        "neverTitle": ("登记中没有任何县级以上培训记录", "No county-level or higher training is recorded"),
        "certificate": ("资格证", "Certificate"), "fits": ("相符", "fits"), "noFit": ("不符", "does not fit"),
        "registration": ("定期注册到期", "Registration due"), "outcome": ("预判", "Expected"), "designations": ("有效称号", "Designations"),
        "nobody": ("没有符合条件的教师。", "Nobody to list."), "previous": ("上一页", "Previous"), "next": ("下一页", "Next"), "showAll": ("显示全部", "Show all"),
        "complianceNote": ("学时按审核通过（已认定）的培训计算；入职培训不计入 360 学时；县级培训到期日为不参加新培训仍达标的最后一天。",
                           "Hours count approved training only; induction is not counted toward the 360 hours; the county-training due date is the last day the teacher still meets the rule without new training."),
        // teacher
        "assignments": ("任职经历", "Assignments"), "school": ("学校", "School"), "from": ("开始", "From"), "to": ("结束", "To"), "post": ("岗位", "Post"),
        "stage": ("学段", "Stage"), "subject": ("学科", "Subject"), "educationAndTitles": ("学历与职称", "Education and titles"), "value": ("内容", "Value"),
        "date": ("日期", "Date"), "transcript": ("培训学时（按周期）", "Training by cycle"), "programme": ("培训项目", "Programme"), "level": ("级别", "Level"),
        "dates": ("起止日期", "Dates"), "hours": ("学时", "Hours"), "status": ("状态", "Status"), "voidReason": ("作废原因", "Reason"), "void": ("作废", "Void"),
        "none": ("（无）", "(none)"), "certificates": ("教师资格与注册", "Certificates and registrations"), "certificateKind": ("资格种类", "Certificate"),
        "number": ("证书号码", "Number"), "issued": ("颁发", "Issued"), "revoked": ("撤销", "Revoked"), "registrations": ("定期注册", "Registrations"),
        "designation": ("称号", "Designation"), "awarded": ("认定", "Awarded"), "expires": ("有效期至", "Expires"), "rotations": ("交流轮岗", "Rotations"),
        "fromSchool": ("原单位", "From"), "toSchool": ("交流单位", "To"), "studiosAndAppraisals": ("工作室与年度考核", "Studios and appraisals"),
        // hr
        "pendingCount": ("条培训记录待审核", "training records pending"), "logTraining": ("登记培训", "Log training"), "importFile": ("导入文件", "Import a file"),
        "reviewQueue": ("审核队列", "Review queue"), "searchHint": ("工号或姓名", "Staff number or name"), "search": ("查找", "Search"),
        "oldestPending": ("最早的待审核记录", "Oldest pending records"), "nothingPending": ("没有待审核的记录。", "Nothing is pending."),
        "recentImports": ("最近的导入和登记", "Recent imports and edits"), "batch": ("批次", "Batch"), "when": ("时间", "When"), "who": ("操作人", "Who"),
        "what": ("内容", "What"), "added": ("新增", "Added"), "updated": ("更新", "Updated"), "pendingShort": ("待审核", "Pending"),
        // training form
        "formErrors": ("培训记录未保存，请改正以下问题：", "The record was not saved; correct these:"), "saveForReview": ("保存并提交审核", "Save and submit for review"),
        "formNote": ("新登记的记录为“待审核”，审核通过后才计入学时。", "New records are pending; their hours count once approved."),
        // queue
        "allSchools": ("全部学校", "All schools"), "select": ("选择", "Select"), "approveSelected": ("通过所选", "Approve selected"),
        "rejectReason": ("驳回原因（驳回时必填）", "Reason for a rejection (required)"), "rejectReasonHint": ("如：学时证明不全", "e.g. no certificate of hours"),
        "rejectSelected": ("驳回所选", "Reject selected"), "approveBatch": ("批量通过本批次全部待审核记录", "Approve every pending record of this batch"),
        // imports
        "chooseFiles": ("选择文件", "Files"), "filesHint": ("CSV 或 Excel（.xlsx），可多选", "CSV or Excel (.xlsx); several at once"),
        "kind": ("数据类别", "Kind"), "checkFirst": ("上传并检查（预览）", "Upload and check (preview)"),
        "importNote": ("先检查整个文件并列出将新增、更新的行和所有问题；确认后才写入。", "The files are checked first; nothing is written until you confirm."),
        "file": ("文件", "File"), "rows": ("行数", "Rows"), "toAdd": ("将新增", "To add"), "toUpdate": ("将更新", "To update"), "unchanged": ("未变", "Unchanged"),
        "problems": ("检查结果", "Findings"), "kindOfProblem": ("类别", "Kind"), "where": ("位置", "Where"), "column": ("列", "Column"), "message": ("说明", "Message"),
        "confirmImport": ("确认导入", "Confirm the import"), "cancel": ("取消", "Cancel"), "tryAgain": ("改正后重新上传", "Correct the file and upload again"),
        // rotation
        "metric": ("指标", "Metric"), "target": ("目标", "Target"), "actual": ("实际", "Actual"), "numDen": ("分子/分母", "Num/Den"),
        "candidates": ("候选骨干教师", "Candidates"), "candidatesNote": ("符合交流条件、本年尚未交流的县级以上骨干教师，在校时间长的在前；已排除轮岗期内将达到法定退休年龄的教师。",
                                                        "Eligible backbone teachers not yet rotated this year, longest at their school first; those reaching the statutory retirement age within the rotation period are left out."),
        "yearsAtSchool": ("在校年限", "Years at school"), "age": ("年龄", "Age"), "since": ("自", "Since"), "withinK": ("达标所需", "needed"),
        "bySchool": ("各校", "By school"), "eligible": ("符合条件", "Eligible"), "exchanged": ("已交流", "Rotated"), "backboneExchanged": ("骨干已交流", "Backbone rotated"),
        "flows": ("流向", "Flows"),
        // users
        "displayName": ("显示名", "Name"), "role": ("角色", "Role"), "state": ("状态", "State"), "resetPassword": ("重设密码", "Reset password"),
        "disable": ("停用", "Disable"), "addUser": ("添加账号", "Add an account"), "loginRule": ("字母、数字、点、下划线", "letters, digits, dots, underscores"),
        "schoolForPrincipal": ("学校（校长账号必选）", "School (principals only)"), "addUserButton": ("添加账号并生成初始密码", "Add and make an initial password"),
        "addUserNote": ("初始密码只显示一次，请当面或电话告知本人；首次登录后须修改。", "The initial password is shown once; the user must change it at the first sign-in."),
        // password
        "mustChange": ("这是初始密码或重设后的密码，请先修改。", "This is an initial or reset password: change it first."),
        "currentPassword": ("原密码", "Current password"), "newPassword": ("新密码", "New password"), "newPasswordAgain": ("再输一次新密码", "New password again"),
        "passwordRule": ("至少 8 位，含字母和数字", "at least 8 characters, letters and digits"), "savePassword": ("保存新密码", "Save the new password"),
    ]

    /// The words in one language, for a template's `{{t.…}}`.
    static func dictionary(_ language: Language) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in table { out[k] = language == .zh ? v.zh : v.en }
        return out
    }

    static func role(_ r: AccessToken.Role, _ language: Language) -> String {
        switch (r, language) {
        case (.county, .zh): "县教委"
        case (.hr, .zh): "人事/师训"
        case (.principal, .zh): "校长"
        case (.county, .en): "county office"
        case (.hr, .en): "HR"
        case (.principal, .en): "principal"
        }
    }
}

import RegistryStore
