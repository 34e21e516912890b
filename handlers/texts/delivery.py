"""Texts of job pushes, digests, feedback buttons and notices to posters and caseworkers."""

TEXTS: dict[str, dict[str, str]] = {
    # The job card (one push).
    "delivery.card.badge": {"zh": "【已核实】", "en": "[Verified] "},
    "delivery.card.pay": {"zh": "薪资：{pay}", "en": "Pay: {pay}"},
    "delivery.card.place": {"zh": "地点：{place}", "en": "Where: {place}"},
    "delivery.card.headcount": {"zh": "招 {n} 人", "en": "{n} wanted"},
    "delivery.card.start": {"zh": "开始：{start}", "en": "Starts: {start}"},
    "delivery.card.contact": {
        "zh": "联系：{contact}（点“感兴趣”获取完整联系方式）",
        "en": "Contact: {contact} (tap Interested for the full details)",
    },
    "delivery.card.reason": {"zh": "推荐理由：{reason}", "en": "Why you: {reason}"},
    "delivery.card.safety": {
        "zh": "⚠ 求职安全：正规招工不收押金、培训费、服装费，请勿先交钱。",
        "en": "⚠ Stay safe: real employers never ask for deposits or fees up front.",
    },
    # Pay as stated.
    "delivery.pay.negotiable": {"zh": "面议", "en": "negotiable"},
    "delivery.pay.month": {"zh": "{amount} 元/月", "en": "{amount} yuan/month"},
    "delivery.pay.day": {"zh": "{amount} 元/天", "en": "{amount} yuan/day"},
    "delivery.pay.hour": {"zh": "{amount} 元/小时", "en": "{amount} yuan/hour"},
    "delivery.pay.piece": {"zh": "计件 {amount} 元", "en": "{amount} yuan per piece"},
    "delivery.pay.year": {"zh": "{amount} 元/年", "en": "{amount} yuan/year"},
    "delivery.pay.period": {"zh": "{pay}（{period}）", "en": "{pay} ({period})"},
    # Buttons under every push.
    "delivery.choice.interested": {"zh": "感兴趣", "en": "Interested"},
    "delivery.choice.not": {"zh": "不感兴趣", "en": "Not for me"},
    "delivery.choice.found": {"zh": "已找到工作", "en": "I found a job"},
    "delivery.choice.item_interested": {"zh": "{n}号 感兴趣", "en": "No. {n}: interested"},
    # The digest (several jobs in one message).
    "delivery.digest.header": {
        "zh": "为您整理了 {n} 个合适的岗位：",
        "en": "{n} {n:job that fits|jobs that fit} you:",
    },
    "delivery.digest.item": {"zh": "{n}. {line}", "en": "{n}. {line}"},
    "delivery.digest.footer": {
        "zh": "对哪个感兴趣，点对应的按钮即可获取联系方式。",
        "en": "Tap the button of a job to get its contact details.",
    },
    # Feedback replies.
    "delivery.fb.contact": {
        "zh": "好的！“{title}”的联系方式：\n{contact}\n联系时请说是在驿站看到的。{safety}",
        "en": "Great! Contact for '{title}':\n{contact}\nSay you saw it at the station. {safety}",
    },
    "delivery.fb.no_contact": {
        "zh": "“{title}”没有留联系方式，驿站工作人员会帮您联系用工方。",
        "en": "'{title}' has no contact details; station staff will put you in touch.",
    },
    "delivery.fb.ask_reason": {
        "zh": "请问是什么原因？我们会据此改进推荐。",
        "en": "May I ask why? It helps us send better matches.",
    },
    "delivery.fb.reason.far": {"zh": "太远", "en": "Too far"},
    "delivery.fb.reason.pay": {"zh": "工资低", "en": "Pay too low"},
    "delivery.fb.reason.skill": {"zh": "不会这个活", "en": "Not my skill"},
    "delivery.fb.reason.full": {"zh": "已招满", "en": "Already filled"},
    "delivery.fb.reason.other": {"zh": "其他", "en": "Other"},
    "delivery.fb.thanks.far": {
        "zh": "谢谢反馈，以后优先推荐离您更近的工作。",
        "en": "Thanks — we'll favour jobs closer to you.",
    },
    "delivery.fb.thanks.pay": {
        "zh": "谢谢反馈，以后优先推荐工资更合适的工作。",
        "en": "Thanks — we'll favour better-paid jobs.",
    },
    "delivery.fb.thanks.full": {
        "zh": "谢谢告知，我们会请用工方和驿站核实是否已招满。",
        "en": "Thanks — we'll ask the employer and the station to check.",
    },
    "delivery.fb.thanks.other": {
        "zh": "谢谢反馈，我们会继续改进推荐。",
        "en": "Thanks for the feedback; we'll keep improving.",
    },
    "delivery.fb.found": {
        "zh": "恭喜您找到工作！已为您停止推送岗位。如果还想继续找，点下面的按钮。",
        "en": "Congratulations on the new job! Pushes are stopped. Tap below to keep looking.",
    },
    "delivery.fb.again": {"zh": "继续找工作", "en": "Keep looking"},
    "delivery.fb.again_done": {
        "zh": "好的，会继续为您推荐合适的工作。",
        "en": "OK, we'll keep sending you suitable jobs.",
    },
    "delivery.fb.unknown": {
        "zh": "抱歉，没有找到这个岗位，可能已经下架了。",
        "en": "Sorry, that job could not be found; it may have been taken down.",
    },
    "delivery.fb.closed": {
        "zh": "这个岗位已经结束招聘了，我们会继续为您推荐其他工作。",
        "en": "This job is no longer open; we'll keep sending you others.",
    },
    "delivery.contact_record": {
        "zh": "求职者反馈已找到工作（岗位 #{posting_id}：{title}）",
        "en": "The seeker reported finding a job (posting #{posting_id}: {title})",
    },
    # Notices to the poster and caseworkers after several 已招满 reports.
    "delivery.notice.full_poster": {
        "zh": "您发布的“{title}”已有 {n} 位求职者反馈“已招满”。如果确实招满了，请点“关闭岗位”，"
        "我们将停止推送。",
        "en": "{n} {n:seeker says|seekers say} '{title}' is already filled. If so, tap Close and "
        "we stop pushing it.",
    },
    "delivery.notice.full_staff": {
        "zh": "岗位 #{posting_id}“{title}”（{district}）已有 {n} 位求职者反馈已招满，请核实。",
        "en": "Posting #{posting_id} '{title}' ({district}): "
        "{n} {n:seeker reports|seekers report} it filled. "
        "Please check.",
    },
    "delivery.notice.close": {"zh": "关闭岗位", "en": "Close it"},
    "delivery.notice.keep": {"zh": "还在招", "en": "Still hiring"},
    "delivery.posting.closed": {
        "zh": "“{title}”已关闭，不再推送。",
        "en": "'{title}' is closed and no longer pushed.",
    },
    "delivery.posting.kept": {
        "zh": "好的，“{title}”继续推送。",
        "en": "OK, '{title}' stays open.",
    },
    "delivery.posting.stats": {
        "zh": "“{title}”：已推送 {sent} 人，感兴趣 {interested} 人，待推送 {waiting} 人。",
        "en": "'{title}': reached {sent}, interested {interested}, waiting {waiting}.",
    },
    "delivery.unknown_district": {"zh": "区域不详", "en": "district unknown"},
    # yizhan demo: the delivery stage.
    "delivery.demo.stage": {
        "zh": "用工方发布零工，匹配的求职者收到推送",
        "en": "An employer posts a gig and matching seekers receive it",
    },
    "delivery.demo.employer": {"zh": "用工方", "en": "Employer"},
    "delivery.demo.no_matcher": {
        "zh": "（没有加载匹配模型，跳过推送演示）",
        "en": "(no matching model loaded: the push demo is skipped)",
    },
    "delivery.demo.not_published": {
        "zh": "（这条招工没有直接发布，可能在等驿站审核）",
        "en": "(the post was not published directly; it may be waiting for a caseworker)",
    },
    "delivery.demo.reached": {
        "zh": "推送完成：{n} 位求职者收到了这条零工（{who}）。",
        "en": "Pushed: {n} {n:seeker|seekers} received the gig ({who}).",
    },
    # The console sender's header above each push (yizhan demo, local runs).
    "delivery.console.push": {"zh": "📨 推送给 {address}：", "en": "📨 Push to {address}:"},
}
