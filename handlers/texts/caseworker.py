"""Texts of the caseworker tools: roles and invites, broadcasts, group posts, follow-ups."""

TEXTS: dict[str, dict[str, str]] = {
    # Help lines (帮助 shows staff lines to staff only).
    "caseworker.help.join": {
        "zh": "加入 邀请码 — 用工作人员邀请码或登记邀请码加入",
        "en": "join CODE — join with a staff or register invite code",
    },
    "caseworker.help.invites": {
        "zh": "邀请名单 — 本区尚未使用机器人的登记人员及邀请文字",
        "en": "invites — registered people not yet on the bot, with their invite text",
    },
    "caseworker.help.staff_invite": {
        "zh": "员工邀请 区 [admin] [驿站] — 生成一次性工作人员邀请码（管理员）",
        "en": "staffinvite DISTRICT [admin] [STATION] — one-time staff code (admins)",
    },
    "caseworker.help.broadcast": {
        "zh": "广播 N — 查看岗位 N 在本区的覆盖人数并推送/发到企业微信群",
        "en": "broadcast N — reach of posting N in your district, then send it",
    },
    "caseworker.help.broadcast_results": {
        "zh": "广播结果 N — 岗位 N 的推送、感兴趣和回复人数",
        "en": "broadcast_results N — pushes, interest and replies for posting N",
    },
    "caseworker.help.group_post": {
        "zh": "群发文案 [区] [类别] — 生成可粘贴到微信群的岗位文案",
        "en": "grouppost [DISTRICT] [CATEGORY] — a ready-to-paste WeChat group post",
    },
    "caseworker.help.group_stats": {
        "zh": "群发统计 [区] — 各岗位的群回复次数",
        "en": "groupstats [DISTRICT] — replies per posting from group posts",
    },
    "caseworker.help.overdue": {
        "zh": "待回访 — 本月尚未联系的登记人员",
        "en": "overdue — registered people not contacted this month",
    },
    "caseworker.help.log": {
        "zh": "记录 姓名或编号 电话|上门|短信 内容 — 登记一次联系（含“联系不到”）",
        "en": "log NAME|ID phone|visit|sms TEXT — record a contact",
    },
    "caseworker.help.employed": {
        "zh": "就业 编号 单位就业|灵活就业|自主创业 — 登记已就业",
        "en": "employed ID WAY — mark as employed",
    },
    "caseworker.help.close": {
        "zh": "注销登记 编号 原因 — 按标准原因注销登记",
        "en": "deregister ID REASON — end a registration with a standard reason",
    },
    "caseworker.help.needs": {
        "zh": "需求名单 [补贴申领|职业指导|技能培训|创业培训] — 按需求列出求职者",
        "en": "needs [NEED] — seekers by the help they asked for",
    },
    "caseworker.help.send_info": {
        "zh": "发送信息 需求 内容 — 把信息发给有该需求的求职者（记为联系）",
        "en": "sendinfo NEED TEXT — send information to seekers with that need",
    },
    # Roles and codes.
    "caseworker.role.caseworker": {"zh": "驿站工作人员", "en": "caseworker"},
    "caseworker.role.admin": {"zh": "管理员", "en": "admin"},
    "caseworker.role.seeker": {"zh": "求职者", "en": "seeker"},
    "caseworker.role.employer": {"zh": "用工方", "en": "employer"},
    "caseworker.staff_link": {
        "zh": "或在 Telegram 打开：{link}",
        "en": "or open in Telegram: {link}",
    },
    "caseworker.everywhere": {"zh": "全市", "en": "all districts"},
    "caseworker.station_default": {"zh": "就业驿站", "en": "the employment station"},
    "caseworker.need_district": {
        "zh": "请写明区，例如：群发文案 西青区",
        "en": "Please name a district, e.g. grouppost 西青区",
    },
    "caseworker.join.how": {
        "zh": "请发送：加入 邀请码（例如 加入 S4KX9P2M）",
        "en": "Please send: join CODE (e.g. join S4KX9P2M)",
    },
    "caseworker.join.invalid": {
        "zh": "邀请码无效、已使用或已过期，请向驿站工作人员确认。",
        "en": "This code is unknown, used or expired. Please check with the station.",
    },
    "caseworker.code.throttled": {
        "zh": "输入邀请码的次数太多了，请 {minutes} 分钟后再试。如有疑问，请联系驿站工作人员。",
        "en": "Too many code attempts. Please try again in {minutes} {minutes:minute|minutes}, "
        "or ask the station.",
    },
    "caseworker.join.done": {
        "zh": "欢迎！您已成为{district}{station}的{role}。发送“帮助”查看工作人员命令。",
        "en": "Welcome! You are now {role} for {district} {station}. Send help for your commands.",
    },
    "caseworker.invite.used": {
        "zh": "这个邀请码已被其他账号使用。如有疑问请联系驿站工作人员。",
        "en": "This invite code was used by another account. Please ask the station.",
    },
    "caseworker.invite.other": {
        "zh": "您的账号已关联了登记信息，无需再次使用邀请码。",
        "en": "Your account is already linked to your registration.",
    },
    "caseworker.invite.linked": {
        "zh": "您好，{name}！已关联您在{district}就业驿站的登记信息，我们会据此为您推荐岗位。",
        "en": "Hello {name}! Your registration at the {district} station is now linked.",
    },
    "caseworker.invite.how_link": {
        "zh": "点击 {link} 打开（或在微信公众号发送：邀请码 {code}）",
        "en": "open {link} (or send \u201c邀请码 {code}\u201d to our WeChat account)",
    },
    "caseworker.invite.how_code": {
        "zh": "关注驿站公众号后发送：邀请码 {code}",
        "en": "follow our WeChat account and send: 邀请码 {code}",
    },
    "caseworker.invite.message": {
        "zh": "{name}您好，{station}邀请您使用驿站求职助手，免费为您推荐合适岗位：{how}",
        "en": "Hello {name}, {station} invites you to the job assistant: {how}",
    },
    "caseworker.invites.none": {
        "zh": "{district}的登记人员都已关联机器人，或名单为空。",
        "en": "Everyone on the {district} register is linked, or the register is empty.",
    },
    "caseworker.invites.header": {
        "zh": "{district}邀请名单（已关联 {linked} / 共 {total} 人）：",
        "en": "{district} invites ({linked} of {total} linked):",
    },
    "caseworker.invites.more": {
        "zh": "……另有 {n} 人，请用 yizhan register invites 导出完整名单。",
        "en": "… {n} more: use yizhan register invites for the full list.",
    },
    "caseworker.staff_invite.how": {
        "zh": "请发送：员工邀请 区 [admin] [驿站名]，例如 员工邀请 西青区 中北镇驿站",
        "en": "Please send: staffinvite DISTRICT [admin] [STATION]",
    },
    "caseworker.staff_invite.done": {
        "zh": "一次性邀请码 {code}（{district}{role}，{days} 天内有效）。\n使用方法：{how}",
        "en": "One-time code {code} ({role}, {district}, valid {days} {days:day|days}).\n"
        "How: {how}",
    },
    # Broadcast.
    "caseworker.bc.how": {
        "zh": "请发送：广播 岗位编号，例如 广播 12（内部编号）或 广播 TJ-01（导入表里的编号）",
        "en": "Please send: broadcast POSTING_ID, e.g. broadcast 12 (internal number) or "
        "broadcast TJ-01 (the 编号 of the imported sheet)",
    },
    "caseworker.bc.not_found": {
        "zh": "没有找到岗位 {id}。内部编号请写 #12，导入表里的编号照原样写（如 TJ-01）。",
        "en": "Posting {id} was not found. Write internal numbers as #12 and a sheet's "
        "编号 as it is (e.g. TJ-01).",
    },
    "caseworker.bc.ended": {
        "zh": "岗位 {id} 已结束或已驳回，不能广播。",
        "en": "Posting {id} has ended or was rejected; it cannot be broadcast.",
    },
    "caseworker.bc.risky": {
        "zh": "岗位 {id} 有风险提示，请先电话核实（核实 {id}）后再广播。",
        "en": "Posting {id} carries risk signals; verify it first (verify {id}).",
    },
    "caseworker.bc.preview": {
        "zh": "岗位 #{id} {title}\n{district}匹配求职者 {matched} 人，其中已推送 {already} 人，"
        "本次可新增 {new} 人。",
        "en": "Posting #{id} {title}\nMatches {matched} {matched:seeker|seekers} in {district}; "
        "{already} already got it, {new} would be new.",
    },
    "caseworker.bc.group_yes": {
        "zh": "{district}企业微信群：已配置，可同时发到群里。",
        "en": "{district} WeCom group: configured.",
    },
    "caseworker.bc.group_no": {
        "zh": "{district}企业微信群：未配置群机器人。",
        "en": "{district} WeCom group: no robot configured.",
    },
    "caseworker.bc.will_publish": {
        "zh": "该岗位尚未发布，确认后将先发布（并按规则推送给全市匹配的求职者）。",
        "en": "The posting is not live yet; confirming publishes it first.",
    },
    "caseworker.bc.limits": {
        "zh": "推送遵守每人每日上限、免打扰时段和求职者的推送设置。",
        "en": "Pushes respect each seeker's daily cap, quiet hours and settings.",
    },
    "caseworker.bc.send_seekers": {"zh": "推送给求职者", "en": "Push to seekers"},
    "caseworker.bc.send_group": {"zh": "发到企业微信群", "en": "Post to WeCom group"},
    "caseworker.bc.send_both": {"zh": "两者都发", "en": "Both"},
    "caseworker.bc.cancelled": {"zh": "已取消广播。", "en": "Broadcast cancelled."},
    "caseworker.bc.published": {
        "zh": "岗位 {id} 已发布，按规则排队推送 {n} 人。",
        "en": "Posting {id} is live; {n} {n:push|pushes} queued by the usual rules.",
    },
    "caseworker.bc.left_out": {
        "zh": "未通过推送条件、不推送 {n} 人：{bars}。",
        "en": "{n} {n:seeker|seekers} left out by the push bars: {bars}.",
    },
    "caseworker.bc.bar_count": {"zh": "{bar} {n} 人", "en": "{bar} {n}"},
    "caseworker.bc.bar_sep": {"zh": "，", "en": ", "},
    "caseworker.bc.queued": {
        "zh": "本区匹配 {matched} 人，新增推送 {queued} 人（近似重复跳过 {suppressed} 人）。",
        "en": "{matched} matched in the district; {queued} new {queued:push|pushes} "
        "({suppressed} skipped as near-duplicates).",
    },
    "caseworker.bc.group_queued": {
        "zh": "{district}企业微信群消息已排队发送。",
        "en": "The {district} WeCom group message is queued.",
    },
    "caseworker.bc.group_again": {
        "zh": "{district}企业微信群已发过这个岗位，未重复发送。",
        "en": "The {district} WeCom group already got this posting; not sent again.",
    },
    "caseworker.bc.see_results": {
        "zh": "稍后发送“广播结果 {id}”查看结果。",
        "en": "Send \u201cbroadcast_results {id}\u201d later for the results.",
    },
    "caseworker.bc.group_name": {"zh": "企业微信群 {district}", "en": "WeCom group {district}"},
    "caseworker.bc.results_how": {
        "zh": "请发送：广播结果 岗位编号",
        "en": "Please send: broadcast_results POSTING_ID",
    },
    "caseworker.bc.results": {
        "zh": "岗位 #{id} {title}\n已送达 {sent} · 排队 {waiting} · 未推送 {suppressed} · "
        "失败/过期 {failed}\n感兴趣 {interested} · 不感兴趣 {not_interested} · 已找到工作 {found}",
        "en": "Posting #{id} {title}\nsent {sent} · queued {waiting} · suppressed {suppressed}"
        " · failed/expired {failed}\ninterested {interested} · not {not_interested} · "
        "found a job {found}",
    },
    "caseworker.bc.results_line": {
        "zh": "广播 {at} {staff} {district}：新增 {queued} 人，群消息 {group}",
        "en": "broadcast {at} by {staff} {district}: {queued} new, group {group}",
    },
    "caseworker.bc.results_j": {
        "zh": "群发回复 {code}：{replies} 次（{people} 人）",
        "en": "Group replies {code}: {replies} ({people} {people:person|people})",
    },
    "caseworker.bc.group_state.queued": {"zh": "排队中", "en": "queued"},
    "caseworker.bc.group_state.sending": {"zh": "发送中", "en": "sending"},
    "caseworker.bc.group_state.sent": {"zh": "已发送", "en": "sent"},
    "caseworker.bc.group_state.failed": {"zh": "发送失败", "en": "failed"},
    "caseworker.bc.group_state.expired": {"zh": "已过期", "en": "expired"},
    "caseworker.bc.group_state.suppressed": {"zh": "未发送", "en": "not sent"},
    # Group posts.
    "caseworker.group.header": {
        "zh": "【{district}就业驿站 · {what}岗位速递 {date}】",
        "en": "[{district} employment station · {what} jobs {date}]",
    },
    "caseworker.group.empty": {
        "zh": "今日暂无已核实岗位，欢迎关注驿站公众号获取最新推荐。",
        "en": "No verified jobs today; follow the station's account for new ones.",
    },
    "caseworker.group.verified": {"zh": "【已核实】", "en": "[verified] "},
    "caseworker.group.reply": {
        "zh": "回复 {code} 获取联系方式",
        "en": "reply {code} for the contact",
    },
    "caseworker.group.subscribe": {
        "zh": "想收到适合自己的岗位？关注驿站公众号，发送您想找的工作"
        "（如“西青区保洁 日结”）即可订阅。",
        "en": "Want jobs picked for you? Follow the station's account and tell it what you want.",
    },
    "caseworker.group.intro": {
        "zh": "以下文案共 {n} 个岗位，电话已隐藏，可直接复制到微信群：",
        "en": "{n} {n:job|jobs}, phones hidden, ready to paste into WeChat groups:",
    },
    "caseworker.group.stats_none": {
        "zh": "{district}暂无群发回复。",
        "en": "No group-post replies in {district} yet.",
    },
    "caseworker.group.stats_header": {
        "zh": "{district}群发回复统计：",
        "en": "{district} group-post replies:",
    },
    "caseworker.group.stats_line": {
        "zh": "{code} {title}：{replies} 次（{people} 人）",
        "en": "{code} {title}: {replies} ({people} {people:person|people})",
    },
    "caseworker.jcode.unknown": {
        "zh": "没有找到岗位 {code}，请核对编号。",
        "en": "No job {code}; please check the code.",
    },
    "caseworker.jcode.closed": {
        "zh": "“{title}”已招满或已结束。告诉我您想找什么工作，我为您推荐其他岗位。",
        "en": "\u201c{title}\u201d is filled or closed. Tell me what you are looking for instead.",
    },
    "caseworker.jcode.contact": {
        "zh": "联系方式：{contact}",
        "en": "Contact: {contact}",
    },
    "caseworker.jcode.no_contact": {
        "zh": "请联系驿站工作人员报名",
        "en": "please ask the station staff",
    },
    "caseworker.jcode.subscribe": {
        "zh": "想收到更多适合您的岗位？直接告诉我您想找什么工作（如“西青区保洁 日结”）。",
        "en": "Want more jobs like this? Tell me what work you are looking for.",
    },
    "caseworker.jcode.record": {
        "zh": "群发岗位回复 {code}：{title}",
        "en": "Group post reply {code}: {title}",
    },
    # The monthly check-in.
    "caseworker.ci.ask": {
        "zh": "您好，这个月找工作顺利吗？",
        "en": "Hello! How is the job search going this month?",
    },
    "caseworker.ci.found": {"zh": "已找到工作", "en": "I found a job"},
    "caseworker.ci.looking": {"zh": "还在找", "en": "Still looking"},
    "caseworker.ci.help": {"zh": "需要培训/补贴帮助", "en": "I need training or subsidy help"},
    "caseworker.ci.record.found": {"zh": "月度回访：已找到工作", "en": "Check-in: found a job"},
    "caseworker.ci.record.looking": {"zh": "月度回访：还在找工作", "en": "Check-in: looking"},
    "caseworker.ci.record.help": {
        "zh": "月度回访：需要培训/补贴帮助",
        "en": "Check-in: needs training or subsidy help",
    },
    "caseworker.ci.ask_way": {
        "zh": "恭喜您！请问是哪种就业方式？",
        "en": "Congratulations! How are you working?",
    },
    "caseworker.ci.employed": {
        "zh": "已记下（{way}），暂停岗位推送。祝工作顺利！如需再找工作，随时告诉我。",
        "en": "Noted ({way}); job pushes are paused. Good luck! Tell me any time you look again.",
    },
    "caseworker.ci.thanks_looking": {
        "zh": "收到，我们会继续为您推荐合适的岗位。也可以随时告诉我新的求职意向。",
        "en": "Thanks — we will keep sending suitable jobs. Tell me any time what you want.",
    },
    "caseworker.ci.ask_need": {
        "zh": "需要哪方面的帮助？（可多选，驿站工作人员会联系您）",
        "en": "Which help do you need? (choose any; the station will contact you)",
    },
    "caseworker.ci.need_noted": {
        "zh": "已记下：{need}。驿站工作人员会联系您。还需要其他帮助可以继续选择。",
        "en": "Noted: {need}. The station will contact you. Choose more if needed.",
    },
    # Contact records written for bot interactions (always Chinese: they go into the 记录).
    "caseworker.contact.fb": {"zh": "回复推送：{lines}", "en": "Answered pushes: {lines}"},
    "caseworker.contact.fb_interested": {"zh": "感兴趣 {title}", "en": "interested {title}"},
    "caseworker.contact.fb_not": {"zh": "不感兴趣 {title} {reason}", "en": "not {title} {reason}"},
    # Follow-up commands.
    "caseworker.person.not_found": {
        "zh": "登记名单中没有找到“{who}”。",
        "en": "\u201c{who}\u201d is not on the register.",
    },
    "caseworker.person.several": {
        "zh": "有多位“{who}”：{ids}，请用编号。",
        "en": "Several people named {who}: {ids}; please use the number.",
    },
    "caseworker.overdue.none": {
        "zh": "{district}本月的登记人员都已联系。",
        "en": "Everyone on the {district} register was contacted this month.",
    },
    "caseworker.overdue.header": {
        "zh": "{district}本月待回访 {n} 人（编号 姓名 电话 · 上次联系）：",
        "en": "{district}: {n} {n:person|people} not contacted this month (id name phone · "
        "last contact):",
    },
    "caseworker.overdue.never": {"zh": "从未联系", "en": "never"},
    "caseworker.overdue.tries": {"zh": "，联系不到 {n} 次", "en": ", {n} failed {n:try|tries}"},
    "caseworker.overdue.linked": {"zh": "（已用机器人）", "en": " (on the bot)"},
    "caseworker.overdue.more": {"zh": "……另有 {n} 人。", "en": "… {n} more."},
    "caseworker.overdue.footer": {
        "zh": "联系后发送：记录 编号 电话 内容（联系不到请写“联系不到”）",
        "en": "After a call send: log ID phone TEXT (write 联系不到 if unreachable)",
    },
    "caseworker.log.how": {
        "zh": "请发送：记录 姓名或编号 电话|上门|短信|微信 内容，例如 记录 12 电话 介绍保洁岗位",
        "en": "Please send: log NAME|ID 电话|上门|短信|微信 TEXT",
    },
    "caseworker.log.default": {"zh": "{method}联系", "en": "contact by {method}"},
    "caseworker.log.done": {
        "zh": "已记录：{name}（{method}）。",
        "en": "Recorded: {name} ({method}).",
    },
    "caseworker.log.unreached": {
        "zh": "已记录：{name} 联系不到（累计 {n} 次）。",
        "en": "Recorded: {name} unreachable ({n} {n:try|tries} so far).",
    },
    "caseworker.log.now_unreachable": {
        "zh": "已 {n} 次联系不到，状态改为“联系不到”。",
        "en": "{n} failed {n:try|tries}: status is now unreachable.",
    },
    "caseworker.employed.how": {
        "zh": "请发送：就业 编号 单位就业|灵活就业|自主创业",
        "en": "Please send: employed ID 单位就业|灵活就业|自主创业",
    },
    "caseworker.employed.done": {
        "zh": "已登记：{name} 已就业（{way}）。",
        "en": "Recorded: {name} is employed ({way}).",
    },
    "caseworker.close.how": {
        "zh": "请发送：注销登记 编号 原因（{reasons}）",
        "en": "Please send: deregister ID REASON ({reasons})",
    },
    "caseworker.close.use_employed": {
        "zh": "已就业请发送：就业 编号 单位就业|灵活就业|自主创业",
        "en": "For employment send: employed ID WAY",
    },
    "caseworker.close.done": {
        "zh": "已注销：{name}（{reason}）。",
        "en": "Registration ended: {name} ({reason}).",
    },
    "caseworker.needs.none": {
        "zh": "暂无有{need}需求的求职者。",
        "en": "No seekers asked for {need}.",
    },
    "caseworker.needs.header": {
        "zh": "{need}需求名单（{n} 人）：",
        "en": "Seekers needing {need} ({n}):",
    },
    "caseworker.needs.anonymous": {"zh": "（未留姓名）", "en": "(no name)"},
    "caseworker.needs.footer": {
        "zh": "发送信息：发送信息 需求 内容（例如 发送信息 技能培训 本月15日开班，报名电话…）",
        "en": "To inform them: sendinfo NEED TEXT",
    },
    "caseworker.info.how": {
        "zh": "请发送：发送信息 补贴申领|职业指导|技能培训|创业培训 内容",
        "en": "Please send: sendinfo NEED TEXT",
    },
    "caseworker.info.too_long": {
        "zh": "内容太长，请控制在 {n} 字以内（可以附链接）。",
        "en": "Too long: at most {n} {n:character|characters} (a link is fine).",
    },
    "caseworker.info.message": {
        "zh": "【{station}·{need}】{text}",
        "en": "[{station} · {need}] {text}",
    },
    "caseworker.info.record": {
        "zh": "发送信息（{need}）：{text}",
        "en": "Sent information ({need}): {text}",
    },
    "caseworker.info.done": {
        "zh": "已排队发送给 {n} 位有{need}需求的求职者（{skipped} 人此前已收到相同内容）。",
        "en": "Queued for {n} {n:seeker|seekers} needing {need} ({skipped} had this text "
        "already).",
    },
    # The command line (bot/cli_staff.py).
    "caseworker.cli.bad_role": {"zh": "角色只能是 {roles}", "en": "role must be one of {roles}"},
    "caseworker.cli.bad_channel": {
        "zh": "渠道只能是 {names}",
        "en": "channel must be one of {names}",
    },
    "caseworker.cli.need_district": {
        "zh": "驿站工作人员需要 --district（例如 --district 西青区）",
        "en": "caseworkers need --district (e.g. --district 西青区)",
    },
    "caseworker.cli.added": {
        "zh": "已授权 {who}：{role}（{district}）",
        "en": "Allowed {who}: {role} ({district})",
    },
    "caseworker.cli.not_staff": {"zh": "{who} 不是工作人员", "en": "{who} is not staff"},
    "caseworker.cli.removed": {
        "zh": "已取消 {who} 的工作人员权限",
        "en": "{who} is no longer staff",
    },
    "caseworker.cli.join_with": {
        "zh": "新同事在聊天中发送：加入 {code}",
        "en": "The new colleague sends in chat: join {code}",
    },
    "caseworker.cli.staff_title": {"zh": "工作人员", "en": "Staff"},
    "caseworker.cli.codes_title": {"zh": "未使用的工作人员邀请码", "en": "Open staff codes"},
    "caseworker.cli.invites_title": {"zh": "登记人员邀请名单", "en": "Register invites"},
    "caseworker.cli.linked": {"zh": "已关联机器人", "en": "linked"},
    "caseworker.cli.bad_category": {
        "zh": "无法识别岗位类别：{category}（可用 A..Q 或名称，如 保洁）",
        "en": "Unknown category: {category} (use A..Q or a name)",
    },
    "caseworker.cli.checkins": {
        "zh": "已排队 {n} 条月度回访，运行 yizhan run 后发送。",
        "en": "{n} monthly check-ins queued; yizhan run sends them.",
    },
}
