"""Texts of posting intake: the draft card and its questions, employer commands, relay,
moderation, risk reasons and the import/parse command line."""

TEXTS: dict[str, dict[str, str]] = {
    # The draft card
    "intake.card.header": {"zh": "📋 招聘草稿", "en": "📋 Draft posting"},
    "intake.card.header_n": {
        "zh": "📋 招聘草稿 {n}/{total}",
        "en": "📋 Draft posting {n}/{total}",
    },
    "intake.card.title": {"zh": "岗位：{title}", "en": "Job: {title}"},
    "intake.card.categories": {"zh": "类别：{categories}", "en": "Category: {categories}"},
    "intake.card.trade_doubt": {
        "zh": "⚠️ 工种不确定：{options}（请选一个）",
        "en": "⚠️ Trade unsure: {options} (please pick one)",
    },
    "intake.card.trade_unknown": {
        "zh": "⚠️ 没看出是哪类活：不说明的话发布前先由工作人员审核",
        "en": "⚠️ Trade not recognised: unless you say which, staff review it before it goes out",
    },
    "intake.card.pay_doubt": {
        "zh": "⚠️ 工资有两种读法：{first} / {second}（请选一个）",
        "en": "⚠️ Pay can be read two ways: {first} / {second} (please pick one)",
    },
    "intake.card.headcount": {"zh": "人数：{value}", "en": "Headcount: {value}"},
    "intake.card.people": {"zh": "{n} 人", "en": "{n}"},
    "intake.card.many": {"zh": "若干", "en": "several"},
    "intake.card.pay": {"zh": "薪资：{value}", "en": "Pay: {value}"},
    "intake.card.place": {"zh": "地点：{value}", "en": "Place: {value}"},
    "intake.card.start": {"zh": "开始：{value}", "en": "Starts: {value}"},
    "intake.card.requirements": {"zh": "要求：{value}", "en": "Requirements: {value}"},
    "intake.card.age_range": {"zh": "{low}-{high}岁", "en": "age {low}-{high}"},
    "intake.card.age_max": {"zh": "{high}岁以下", "en": "up to age {high}"},
    "intake.card.age_min": {"zh": "{low}岁以上", "en": "age {low}+"},
    "intake.card.benefits": {"zh": "福利：{value}", "en": "Benefits: {value}"},
    "intake.card.hours": {"zh": "时间 {value}", "en": "hours {value}"},
    "intake.card.licence": {"zh": "需{value}", "en": "needs {value}"},
    "intake.card.prefers": {
        "zh": "{value}工优先（不限性别）",
        "en": "prefers {value} (open to all)",
    },
    "intake.card.base": {"zh": "底薪 {value}", "en": "base {value}"},
    "intake.card.typical": {"zh": "一般 {value}", "en": "typically {value}"},
    "intake.card.contact": {"zh": "联系：{value}", "en": "Contact: {value}"},
    # Questions about missing essentials
    "intake.not_a_post": {
        "zh": "没有看出招聘信息。请发送岗位、人数、工资、地点和联系电话，例如："
        "“明天西青区搬家，招4人，日结300，电话138xxxxxxxx”。",
        "en": "I could not find a job post. Please send the job, headcount, pay, place and a "
        "phone number, e.g. “Movers in Xiqing tomorrow, 4 people, 300/day, tel 138…”.",
    },
    "intake.ask.post": {
        "zh": "请把招聘信息发给我（一条消息即可）：岗位、人数、工资、地点、时间、联系电话。",
        "en": "Send me the job post in one message: job, headcount, pay, place, time, phone.",
    },
    "intake.ask.which": {"zh": "第 {n} 个岗位（{title}）：", "en": "Job {n} ({title}): "},
    "intake.ask.title": {
        "zh": "招的是什么岗位？例如：保洁、搬运工、服务员。",
        "en": "What is the job? e.g. cleaner, mover, waiter.",
    },
    "intake.ask.trade": {
        "zh": "这是哪类活？请回复数字：{options}；都不是就直接写工种（例如：保洁）。",
        "en": "Which trade is this? Reply with a number: {options}; or name the trade "
        "(e.g. 保洁).",
    },
    "intake.ask.district": {
        "zh": "工作地点在哪个区？请回复区名（例如：西青区），也可以发送位置。",
        "en": "Which district is the work in? Reply with its name (e.g. 西青区) "
        "or share a location.",
    },
    "intake.ask.pay": {
        "zh": "工资是多少？例如：日结200、月薪5000、时薪25，或回复“面议”。",
        "en": "What is the pay? e.g. 200/day (日结200), 5000/month (月薪5000), 25/hour, or 面议.",
    },
    "intake.ask.pay_doubt": {
        "zh": "工资按哪个算？请回复数字：1 {first}  2 {second}；都不对就直接写（例如：日结200）。",
        "en": "Which is the pay? Reply with a number: 1 {first}  2 {second}; or write it "
        "(e.g. 日结200).",
    },
    "intake.ask.headcount": {
        "zh": "招几个人？请回复人数，例如：5；人数不定回复“若干”。",
        "en": "How many people do you need? Reply with a number, or 若干 (several).",
    },
    "intake.ask.again": {"zh": "没看懂，请再说一次。", "en": "I did not understand that. "},
    # Buttons
    "intake.choice.negotiable": {"zh": "面议", "en": "Negotiable"},
    "intake.choice.confirm": {"zh": "确认发布", "en": "Publish"},
    "intake.choice.edit": {"zh": "修改", "en": "Edit"},
    "intake.choice.cancel": {"zh": "取消", "en": "Cancel"},
    "intake.choice.approve": {"zh": "通过 #{id}", "en": "Approve #{id}"},
    "intake.choice.verify": {"zh": "核实 #{id}", "en": "Verify #{id}"},
    # Confirm and edit
    "intake.confirm.ask": {
        "zh": "信息对吗？点“确认发布”，或点“修改”更正，不发了点“取消”。",
        "en": "Is this right? Tap Publish, or Edit to correct it, or Cancel.",
    },
    "intake.confirm.relay": {
        "zh": "转发的群消息将标记为“转发”，原文会保留。确认发布吗？",
        "en": "This group post will be marked as relayed and its original text kept. Publish?",
    },
    "intake.confirm.unclear": {
        "zh": "请回复“确认”、“改”或“取消”。",
        "en": "Please reply Confirm, Change or Cancel.",
    },
    "intake.edit.how": {
        "zh": "请回复要改的内容，例如：“工资 日结220”、“人数 5”、“区 西青区”、“电话 138…”、"
        "“类别 保洁”、“要求 女 50岁以下”（没有要求回复“要求 不限”）；"
        "多个岗位时在前面加编号：“2 人数 3”，去掉一个岗位回复“去掉第2个”。"
        "也可以重新发送整条招聘信息。改完回复“确认”。",
        "en": "Reply with the change, e.g. “工资 日结220” (pay), “人数 5” (headcount), "
        "“区 西青区” (district), “类别 保洁” (category), “要求 女 50岁以下” (requirements; "
        "“要求 不限” for none); for one of several jobs put its number first: “2 人数 3”, "
        "and “去掉第2个” removes job 2. Or send the whole post again. Reply Confirm when done.",
    },
    "intake.edit.unclear": {
        "zh": "没看懂要改什么。请用“字段 新内容”的格式，例如：工资 日结220。",
        "en": "I could not tell what to change. Use “field value”, e.g. 工资 日结220.",
    },
    "intake.edit.no_job": {"zh": "没有第 {n} 个岗位。", "en": "There is no job {n}."},
    "intake.edit.bad_value": {
        "zh": "“{value}”看不懂，请换个写法。",
        "en": "I could not read “{value}”.",
    },
    "intake.removed": {
        "zh": "已去掉第 {n} 个岗位（{title}），还剩 {left} 个。",
        "en": "Removed job {n} ({title}); {left} left.",
    },
    "intake.removed_last": {
        "zh": "已去掉“{title}”，草稿里没有岗位了，这条招聘不会发布。需要时重新发送招聘信息即可。",
        "en": "Removed “{title}”; no jobs are left, so nothing will be published. "
        "Send the post again whenever you need.",
    },
    "intake.cancelled": {
        "zh": "已取消，这条招聘不会发布。",
        "en": "Cancelled; nothing was published.",
    },
    "intake.stale": {"zh": "这个按钮已经过期了。", "en": "That button has expired."},
    # Outcome
    "intake.done.published": {
        "zh": "✅ #{id} {title} 已发布，已推送给 {n} 位合适的求职者。",
        "en": "✅ #{id} {title} is published and was sent to {n} matching job {n:seeker|seekers}.",
    },
    "intake.done.held": {
        "zh": "⏳ #{id} {title} 已提交，工作人员审核后发布。",
        "en": "⏳ #{id} {title} was submitted and will be published after review.",
    },
    "intake.done.held_trade": {
        "zh": "⏳ #{id} {title} 已提交：没看出是哪类活，工作人员审核后发布。",
        "en": "⏳ #{id} {title} was submitted: its trade was not recognised, so staff review it "
        "before it is published.",
    },
    "intake.done.held_risk": {
        "zh": "⏳ #{id} {title} 需要工作人员核实后才能发布，请保持电话畅通。",
        "en": "⏳ #{id} {title} needs a check by our staff before it is published; "
        "please keep your phone on.",
    },
    "intake.done.reasons": {"zh": "风险提示：{reasons}", "en": "Risk signals: {reasons}"},
    "intake.done.saved": {"zh": "#{id} {title} 已保存。", "en": "#{id} {title} was saved."},
    "intake.done.duplicate": {
        "zh": "ℹ️ {title} 与已发布的 #{id} 相同，已合并，不会重复推送。",
        "en": "ℹ️ {title} is the same as #{id}, already published; merged, not pushed twice.",
    },
    "intake.done.footer": {
        "zh": "发送“我的招聘”查看推送和报名情况；招满后发送“已招满 编号”。",
        "en": "Send /myposts to see reach and interest; send /close N when the job is filled.",
    },
    # Employer commands
    "intake.help.post": {"zh": "发布零工 — 发布一条招聘", "en": "/post — publish a job"},
    "intake.help.myposts": {"zh": "我的招聘 — 查看我发布的招聘", "en": "/myposts — my postings"},
    "intake.help.close": {"zh": "已招满 编号 — 关闭一条招聘", "en": "/close N — close a posting"},
    "intake.help.repost": {"zh": "重新发布 编号 — 再次发布", "en": "/repost N — publish again"},
    "intake.help.relay": {
        "zh": "转发 [源群] — 转发群里的招聘",
        "en": "/relay [group] — relay a group post",
    },
    "intake.help.pending": {
        "zh": "待审核 — 待审核的招聘",
        "en": "/pending — the moderation queue",
    },
    "intake.help.approve": {
        "zh": "通过 编号 — 审核通过并发布",
        "en": "/approve N — approve and publish",
    },
    "intake.help.reject": {
        "zh": "驳回 编号 原因 — 驳回并告知发布人",
        "en": "/reject N reason — reject, telling the poster",
    },
    "intake.help.verify": {"zh": "核实 编号 — 已电话核实", "en": "/verify N — verified by phone"},
    "intake.help.edit_posting": {
        "zh": "编辑岗位 编号 字段 值 — 修改一条招聘",
        "en": "/edit_posting N field value — correct a posting",
    },
    "intake.mine.empty": {
        "zh": "您还没有发布过招聘。直接把招聘信息发给我就可以发布。",
        "en": "You have no postings yet. Just send me a job post.",
    },
    "intake.mine.header": {"zh": "您发布的招聘（共 {n} 条）：", "en": "Your postings ({n}):"},
    "intake.mine.item": {
        "zh": "#{id} {title} · {status} · 已推送 {sent} 人 · {interested} 人感兴趣",
        "en": "#{id} {title} · {status} · sent to {sent} · {interested} interested",
    },
    "intake.mine.expires": {"zh": "（{date}到期）", "en": " (until {date})"},
    "intake.mine.rejected": {"zh": "驳回原因：{reason}", "en": "Rejected because: {reason}"},
    "intake.mine.seen": {"zh": " · 被转发 {n} 次", "en": " · seen {n} {n:time|times}"},
    "intake.mine.footer": {
        "zh": "招满后发送“已招满 编号”；过期或关闭的可以“重新发布 编号”。",
        "en": "Send /close N when filled; /repost N publishes a closed or expired one again.",
    },
    "intake.mine.which": {
        "zh": "请写上招聘编号，例如：已招满 12。",
        "en": "Please give the posting number, e.g. /close 12.",
    },
    "intake.mine.not_found": {"zh": "没有找到这条招聘。", "en": "No such posting of yours."},
    "intake.mine.not_open": {
        "zh": "#{id} 已经不在招聘中了。",
        "en": "#{id} is not open any more.",
    },
    "intake.mine.closed": {
        "zh": "#{id} {title} 已关闭，不会再推送。祝顺利！",
        "en": "#{id} {title} is closed and will not be pushed again.",
    },
    "intake.mine.still_live": {
        "zh": "#{id} 还在发布中，不用重新发布。",
        "en": "#{id} is still published.",
    },
    "intake.mine.still_pending": {
        "zh": "#{id} 正在审核中。",
        "en": "#{id} is waiting for review.",
    },
    "intake.mine.was_rejected": {
        "zh": "#{id} 已被驳回，请修改后重新发送招聘信息。",
        "en": "#{id} was rejected; please send a corrected post.",
    },
    "intake.status.draft": {"zh": "草稿", "en": "draft"},
    "intake.status.pending": {"zh": "审核中", "en": "in review"},
    "intake.status.published": {"zh": "招聘中", "en": "published"},
    "intake.status.rejected": {"zh": "已驳回", "en": "rejected"},
    "intake.status.closed": {"zh": "已招满", "en": "closed"},
    "intake.status.expired": {"zh": "已过期", "en": "expired"},
    # Relay
    "intake.relay.ask": {
        "zh": "请粘贴要转发的招聘信息（来源：{group}）。",
        "en": "Paste the post to relay (from: {group}).",
    },
    "intake.relay.no_group": {"zh": "未注明", "en": "not given"},
    # Moderation
    "intake.trust.verified": {"zh": "已核实", "en": "verified"},
    "intake.trust.employer": {"zh": "用工方发布", "en": "employer"},
    "intake.trust.relayed": {"zh": "群转发", "en": "relayed"},
    "intake.trust.imported": {"zh": "导入", "en": "imported"},
    "intake.queue.empty": {"zh": "没有待审核的招聘。", "en": "Nothing waits for review."},
    "intake.queue.header": {
        "zh": "待审核 {n} 条（风险高的在前）：",
        "en": "{n} {n:posting waits|postings wait} for review (riskiest first):",
    },
    "intake.queue.trust": {"zh": "{trust}", "en": "{trust}"},
    "intake.queue.source": {"zh": "来源 {source}", "en": "from {source}"},
    "intake.queue.seen": {"zh": "出现 {n} 次", "en": "seen {n} {n:time|times}"},
    "intake.queue.no_trade": {
        "zh": "工种未识别：先“编辑岗位 {id} 类别 保洁”（换成实际工种）再通过",
        "en": "Trade not recognised: set it first (编辑岗位 {id} 类别 保洁, with the real trade), "
        "then approve",
    },
    "intake.queue.risk": {"zh": "风险 {score}：{reasons}", "en": "risk {score}: {reasons}"},
    "intake.queue.footer": {
        "zh": "回复“通过 编号”发布，“驳回 编号 原因”驳回，“核实 编号”标记已电话核实。",
        "en": "Reply /approve N, /reject N reason, or /verify N (checked by phone).",
    },
    "intake.mod.which": {
        "zh": "请写上招聘编号，例如：通过 12。",
        "en": "Please give the posting number, e.g. /approve 12.",
    },
    "intake.mod.not_pending": {
        "zh": "#{id} 不在待审核中（{status}）。",
        "en": "#{id} is not waiting for review ({status}).",
    },
    "intake.mod.not_published": {
        "zh": "#{id} 没能发布，请稍后再试。",
        "en": "#{id} could not be published.",
    },
    "intake.mod.approved": {
        "zh": "已通过 #{id} {title}，推送给 {n} 位求职者。",
        "en": "Approved #{id} {title}; sent to {n} job {n:seeker|seekers}.",
    },
    "intake.mod.reason_needed": {
        "zh": "请写明驳回原因，例如：驳回 {id} 要求交押金。原因会发给发布人。",
        "en": "Please give a reason, e.g. /reject {id} asks for a deposit. The poster is told.",
    },
    "intake.mod.rejected": {
        "zh": "已驳回 #{id} {title}，已通知发布人。",
        "en": "Rejected #{id} {title}; the poster is told.",
    },
    "intake.mod.verified": {
        "zh": "#{id} {title} 已标记为已核实。",
        "en": "#{id} {title} is marked verified.",
    },
    "intake.mod.verified_pending": {
        "zh": "#{id} {title} 已标记为已核实，仍待审核；回复“通过 {id}”发布。",
        "en": "#{id} {title} is marked verified and still waits; /approve {id} publishes it.",
    },
    "intake.mod.edit_how": {
        "zh": "格式：编辑岗位 编号 字段 值，例如：编辑岗位 12 工资 日结200。",
        "en": "Use: /edit_posting N field value, e.g. /edit_posting 12 工资 日结200.",
    },
    "intake.mod.edited": {"zh": "已修改 #{id}：", "en": "Changed #{id}:"},
    "intake.notice.approved": {
        "zh": "您的招聘 #{id} {title} 已通过审核并发布。",
        "en": "Your posting #{id} {title} was approved and published.",
    },
    "intake.notice.rejected": {
        "zh": "抱歉，您的招聘 #{id} {title} 未通过审核。原因：{reason}。修改后可以重新发送。",
        "en": "Sorry, your posting #{id} {title} was not approved: {reason}. "
        "You may send a corrected post.",
    },
    # Risk reasons (stored as codes, shown to caseworkers)
    "risk.fee": {"zh": "向求职者收费（{detail}）", "en": "charges workers a fee ({detail})"},
    "risk.abroad_fee": {
        "zh": "出国劳务向求职者收费（{detail}）",
        "en": "labour abroad that charges workers ({detail})",
    },
    "risk.abroad_lure": {
        "zh": "境外高薪招聘（{detail}），常见的诈骗和拐卖手法",
        "en": "high pay abroad ({detail}), a common scam and trafficking lure",
    },
    "risk.cards": {
        "zh": "要求出租或出售银行卡、电话卡、账号（{detail}），涉嫌帮助洗钱",
        "en": "asks workers to rent out bank cards, phone cards or accounts ({detail})",
    },
    "risk.pyramid": {
        "zh": "靠拉人头、发展下线赚钱（{detail}），疑似传销",
        "en": "pay from recruiting others ({detail}), looks like a pyramid scheme",
    },
    "risk.nightlife": {
        "zh": "夜场陪侍类岗位（{detail}），常与色情、诈骗相关",
        "en": "nightclub hostess work ({detail}), often tied to sex work or fraud",
    },
    "risk.evasive": {
        "zh": "不肯说明工作内容（{detail}）",
        "en": "will not say what the work is ({detail})",
    },
    "risk.training_loan": {
        "zh": "以培训名义让求职者贷款或分期（{detail}）",
        "en": "a training course paid with a loan in the worker's name ({detail})",
    },
    "risk.brushing": {"zh": "疑似刷单（{detail}）", "en": "looks like click-farming ({detail})"},
    "risk.home_typing": {
        "zh": "在家打字/手机兼职类（{detail}）",
        "en": "work-from-home typing type ({detail})",
    },
    "risk.bait_pay": {
        "zh": "工资远高于同类岗位（约 {detail} 倍）",
        "en": "pay far above the usual for this job (about {detail}x)",
    },
    "risk.bait_words": {"zh": "诱导性用语（{detail}）", "en": "bait words ({detail})"},
    "risk.below_min_wage": {
        "zh": "工资低于最低工资标准（{detail}）",
        "en": "pay below the minimum wage ({detail})",
    },
    "risk.no_identity": {
        "zh": "没有用工单位或联系人",
        "en": "no employer or contact person named",
    },
    "risk.no_contact": {"zh": "没有任何联系方式", "en": "no contact at all"},
    "risk.phone_spread": {
        "zh": "同一电话发布多类不相关岗位（{detail} 类）",
        "en": "one phone posts unrelated jobs ({detail} {detail:kind|kinds})",
    },
    "risk.mass_repost": {
        "zh": "一天内被大量转发（{detail} 次）",
        "en": "reposted many times in a day ({detail})",
    },
    # Command line: import, parse, template
    "intake.cli.imported": {
        "zh": "导入完成（共 {rows} 行）：新增 {created}，更新 {updated}，未变 {unchanged}，"
        "合并重复 {duplicates}，待审核 {held}，出错 {errors}",
        "en": "Import done ({rows} {rows:row|rows}): {created} new, {updated} updated, "
        "{unchanged} unchanged, "
        "{duplicates} merged {duplicates:duplicate|duplicates}, {held} held for review, {errors} "
        "{errors:error|errors}",
    },
    "intake.cli.checked": {
        "zh": "检查完成（共 {rows} 行，未写入）：将新增 {created}，将更新 {updated}，"
        "拒绝 {errors}",
        "en": "Checked ({rows} {rows:row|rows}, nothing written): {created} would be new, "
        "{updated} updated, {errors} refused",
    },
    "intake.cli.row_error": {"zh": "第 {row} 行：{reason}", "en": "row {row}: {reason}"},
    "intake.cli.progress": {"zh": "导入招聘", "en": "Importing postings"},
    "intake.cli.template_written": {"zh": "已生成模板：{path}", "en": "Template written: {path}"},
    "intake.cli.bad_file": {
        "zh": "无法读取文件：{reason}",
        "en": "Cannot read the file: {reason}",
    },
    # Reading sheets (bot/sheets/read.py)
    "sheet.bad_type": {
        "zh": "不支持的文件类型 {suffix}，请使用 .xlsx、.xls、.ods 或 .csv",
        "en": "Unsupported file type {suffix}: use .xlsx, .xls, .ods or .csv",
    },
    "sheet.too_big": {
        "zh": "文件超过 {mb} MB，请拆分后再导入",
        "en": "The file is larger than {mb} MB; split it and import the parts",
    },
    "sheet.too_big_unpacked": {
        "zh": "文件解压后超过 {mb} MB（可能含有超大单元格），已拒绝",
        "en": "The file unpacks to more than {mb} MB (an oversized cell?); refused",
    },
    "sheet.too_many_rows": {
        "zh": "表格有 {rows} 行，超过一次最多导入的 {limit} 行，请拆分后再导入",
        "en": "The sheet has {rows} {rows:row|rows}, more than the {limit} one import takes; "
        "split it",
    },
    "sheet.entities": {
        "zh": "文件含有 XML 实体声明，不是正常的 Excel 文件，已拒绝",
        "en": "The file declares XML entities, which a normal workbook never does; refused",
    },
    "sheet.not_what_it_says": {
        "zh": "这不是有效的 {kind} 文件（内容与扩展名不符或已损坏），请在 Excel 中另存后再导入",
        "en": "This is not a valid {kind} file (damaged, or not what its extension says); "
        "save it again from Excel",
    },
    "sheet.bad_encoding": {
        "zh": "无法识别 CSV 的文字编码（支持 UTF-8、UTF-16、GBK），请另存为 UTF-8",
        "en": "Unknown CSV text encoding (UTF-8, UTF-16 and GBK are read); save it as UTF-8",
    },
    "sheet.no_header": {
        "zh": "前 {rows} 行里没有找到表头（需要：{wanted}）",
        "en": "No header row in the first {rows} {rows:row|rows} (needed: {wanted})",
    },
    "sheet.bad_date": {
        "zh": "无法识别的日期“{value}”，请写成 2026-03-05 或 2026年3月5日",
        "en": "Unknown date “{value}”: write 2026-03-05 or 2026年3月5日",
    },
    # The register of unemployed people (登记表)
    "register.id_numbers": {
        "zh": "表格含有身份证号列：驿站不保存身份证号，请删除这一列后再导入",
        "en": "The sheet has an ID-number column: Yizhan never stores ID numbers; delete that "
        "column and import again",
    },
    "register.row.no_name": {"zh": "缺少{column}", "en": "no {column} (name)"},
    "register.row.example": {
        "zh": "示例行（姓名以“示例”开头），未导入",
        "en": "an example row (the name starts with 示例); not imported",
    },
    "register.row.bad_phone": {
        "zh": "{column}格式不对：{value}",
        "en": "{column}: “{value}” is not a phone number",
    },
    "register.row.not_tianjin": {
        "zh": "{column}“{value}”不是天津市的区（可填：{districts}）",
        "en": "{column}: “{value}” is not a Tianjin district (one of: {districts})",
    },
    "register.row.no_district": {
        "zh": "无法识别{column}（空），地址里也没有天津的区",
        "en": "{column} is empty and the address names no Tianjin district",
    },
    "register.row.bad_gender": {
        "zh": "{column}应为 男 或 女：{value}",
        "en": "{column} must be 男 or 女: “{value}”",
    },
    "register.row.not_yours": {
        "zh": "不是本区（{districts}）的人员，未导入",
        "en": "not a resident of your district ({districts}); not imported",
    },
    "register.row.same_phone": {
        "zh": "{column}与第 {row} 行相同，未导入",
        "en": "{column} repeats row {row}; not imported",
    },
    "register.row.phone_taken": {
        "zh": "{column}已登记为另一人（#{id} {name}），未导入",
        "en": "{column} is already registered to someone else (#{id} {name}); not imported",
    },
    # Import rows
    "intake.row.no_header": {
        "zh": "没有找到表头：前 10 行里需要有“{columns}”这一列（可用 yizhan template 生成模板）",
        "en": "No header row: one of the first 10 rows must name the column “{columns}” "
        "(yizhan template writes one)",
    },
    "intake.row.bad_json": {"zh": "不是有效的 JSON（{error}）", "en": "not valid JSON ({error})"},
    "intake.row.not_object": {"zh": "应为一个 JSON 对象", "en": "must be a JSON object"},
    "intake.row.no_text_field": {"zh": "缺少 text 字段", "en": "no text field"},
    "intake.row.banner": {
        "zh": "合并单元格的说明行（{text}…），已跳过",
        "en": "a merged note line ({text}…), skipped",
    },
    "intake.row.field": {"zh": "{field}：{reason}", "en": "{field}: {reason}"},
    "intake.row.not_number": {"zh": "“{value}”不是数字", "en": "“{value}” is not a number"},
    "intake.row.negative": {"zh": "“{value}”不能是负数", "en": "“{value}” cannot be negative"},
    "intake.row.no_phone": {
        "zh": "“{value}”里没有电话号码（请写 联系人 + 手机或座机）",
        "en": "“{value}” has no phone number (write a name and a phone)",
    },
    "intake.row.outside_area": {
        "zh": "“{value}”不是{area}的区（只导入本市的岗位；全国岗位请加 --anywhere）",
        "en": "“{value}” is not a district of {area} (national feeds: add --anywhere)",
    },
    "intake.row.no_title": {"zh": "缺少岗位名称", "en": "no job title"},
    "intake.row.same_id": {
        "zh": "{column}“{value}”与第 {row} 行相同，未导入",
        "en": "{column} “{value}” repeats row {row}; not imported",
    },
    "intake.row.example": {
        "zh": "示例行（编号以“示例”开头），未导入",
        "en": "an example row (编号 starts with 示例); not imported",
    },
    "intake.row.bad_unit": {
        "zh": "薪资单位“{value}”应为 元/月、元/天、元/小时 或 计件",
        "en": "pay unit “{value}” must be month, day, hour or piece",
    },
    "intake.row.bad_form": {
        "zh": "用工形式“{value}”应为 全职、兼职 或 零工",
        "en": "work form “{value}” must be 全职, 兼职 or 零工 (full-time, part-time, gig)",
    },
    "intake.row.bad_headcount": {
        "zh": "招聘人数“{value}”应为正整数",
        "en": "headcount “{value}” must be a whole number",
    },
    "intake.row.no_text": {"zh": "缺少岗位名称和岗位描述", "en": "no title and no description"},
    "intake.row.too_long": {
        "zh": "{field} 超过 {n} 字",
        "en": "{field} is longer than {n} {n:character|characters}",
    },
    "intake.row.pay_order": {
        "zh": "最低薪资 {low:g} 高于最高薪资 {high:g}",
        "en": "lowest pay {low:g} is above the highest {high:g}",
    },
    # The Excel template
    "intake.template.sheet": {"zh": "招聘岗位", "en": "Postings"},
    "intake.template.notes_sheet": {"zh": "填写说明", "en": "How to fill in"},
    "intake.template.column": {"zh": "列名", "en": "Column"},
    "intake.template.meaning": {"zh": "说明", "en": "Meaning"},
    "intake.template.required": {"zh": "必填", "en": "Required"},
    "intake.template.id": {
        "zh": "岗位编号，自己定，不重复即可。再次导入同一编号会更新这条岗位，不会重复。",
        "en": "Your own id for the posting; importing the same id again updates it.",
    },
    "intake.template.title": {
        "zh": "岗位名称，例如：保洁、物流仓库分拣、厨师。",
        "en": "Job title, e.g. cleaner.",
    },
    "intake.template.description": {
        "zh": "岗位描述：工作内容、时间、要求、福利等，越具体越好。没填的列会从这里自动识别。",
        "en": "Description: work, hours, requirements, benefits. Empty columns are read from it.",
    },
    "intake.template.district": {
        "zh": "所在区，例如：西青区（可从下拉列表选择）。",
        "en": "District, e.g. 西青区 (drop-down list).",
    },
    "intake.template.address": {"zh": "详细地址，例如：张家窝镇物流园。", "en": "Street address."},
    "intake.template.pay_min": {
        "zh": "最低薪资（数字，例如 180 或 5000）。",
        "en": "Lowest pay (a number).",
    },
    "intake.template.pay_max": {
        "zh": "最高薪资（数字；只有一个数时与最低薪资相同）。",
        "en": "Highest pay (a number; same as lowest if one figure).",
    },
    "intake.template.pay_unit": {
        "zh": "薪资单位：元/月、元/天、元/小时、计件。",
        "en": "Pay unit: 元/月 month, 元/天 day, 元/小时 hour, 计件 piece.",
    },
    "intake.template.work_form": {
        "zh": "用工形式：全职、兼职、零工。零工 3 天后过期，其他 30 天。",
        "en": "Work form: 全职 full-time, 兼职 part-time, 零工 gig "
        "(gigs expire after 3 days, others 30).",
    },
    "intake.template.contact": {
        "zh": "联系人和电话，例如：王经理 13812345678。推送给求职者时电话会打码。",
        "en": "Contact person and phone; phones are masked in pushes.",
    },
    "intake.template.headcount": {
        "zh": "招聘人数（数字，或填“若干”）。",
        "en": "Headcount (a number, or 若干).",
    },
    "intake.template.footer": {
        "zh": "第一行是表头，请不要修改；第二行是示例，可以删除。导入：yizhan import 文件名.xlsx",
        "en": "Row 1 is the header, keep it; row 2 is an example. Import: yizhan import FILE.xlsx",
    },
}
