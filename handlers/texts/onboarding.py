"""Texts of the seeker onboarding dialog: questions, choices, explanations of bad input."""

TEXTS: dict[str, dict[str, str]] = {
    "onboarding.welcome": {
        "zh": "您好！我是驿站就业小助手。回答几个问题，我就能把合适的工作推送给您。"
        "随时可以直接说想找什么工作，比如“想在西青区找保洁，日结，一天150以上”。发“帮助”看更多功能。",
        "en": "Hello! I am the employment station assistant. Answer a few questions and I will "
        "send you suitable jobs. You can always just tell me what you are looking for, e.g. "
        "'cleaning in Xiqing, paid daily, 150 a day'. Send /help for more.",
    },
    # Questions, one per step
    "onboarding.ask.work_form": {
        "zh": "您想要哪种就业形式？",
        "en": "Which form of work do you want?",
    },
    "onboarding.ask.categories": {
        "zh": "您想做哪类工作？可以多选，选好后点“完成”；也可以直接写，比如“A C”或“保洁 外卖”。",
        "en": "What kind of work do you want? Pick one or more, then Done; or type e.g. 'A C'.",
    },
    "onboarding.ask.other_category": {
        "zh": "请写下您想做的工作，比如“宠物美容”。",
        "en": "Please write the work you want, e.g. 'pet grooming'.",
    },
    "onboarding.ask.pay": {
        "zh": "您期望的工资是多少？请写数字和单位，比如 5000（每月）、日结200、时薪25；"
        "不确定可以选“面议”。",
        "en": "What pay do you expect? Write a number and unit, e.g. 5000 (a month), 200 a day, "
        "25 an hour; or choose Negotiable.",
    },
    "onboarding.ask.pay_unit": {
        "zh": "{amount} 元是按什么算的？",
        "en": "Is {amount} yuan per month, day, hour or piece?",
    },
    "onboarding.ask.districts": {
        "zh": "您想在天津哪个区工作？可以多选，选好后点“完成”；也可以直接写区名，或发送您的位置。",
        "en": "Which districts of Tianjin would you work in? Pick one or more, then Done; "
        "or type a name, or share your location.",
    },
    "onboarding.ask.keep_location": {
        "zh": "收到位置，离{district}最近。要保存这个位置用来计算通勤距离吗？"
        "只用于匹配，不给别人看。",
        "en": "Got it — nearest district: {district}. May I keep this location to work out "
        "distances? It is only used for matching and never shown to anyone.",
    },
    "onboarding.ask.distance": {
        "zh": "上班最远能接受多远？请选或写公里数，比如 5。",
        "en": "How far would you travel to work? Pick or type kilometres, e.g. 5.",
    },
    "onboarding.ask.education": {
        "zh": "您的文化程度是？",
        "en": "What is your education level?",
    },
    "onboarding.ask.skills": {
        "zh": "您有什么专业、技能或证书吗？比如“电工证，会开叉车”。没有可以点“跳过”。",
        "en": "Any trade, skills or certificates? e.g. 'electrician licence, forklift'. "
        "Otherwise choose Skip.",
    },
    "onboarding.ask.needs": {
        "zh": "您还需要哪些服务？可以多选，选好后点“完成”。",
        "en": "Which services would help you? Pick any, then Done.",
    },
    "onboarding.ask.consent": {
        "zh": "有合适的工作时，可以发消息推送给您吗？以后随时可以发“暂停推送”。",
        "en": "May I send you suitable jobs when they come up? You can send /pause at any time.",
    },
    "onboarding.ask.confirm": {
        "zh": "请核对您的资料：\n{summary}\n没问题请点“确认”，要改请点“修改”。",
        "en": "Please check your profile:\n{summary}\nChoose Confirm, or Edit to change an item.",
    },
    "onboarding.ask.edit_field": {
        "zh": "要修改哪一项？",
        "en": "Which item would you like to change?",
    },
    # Acknowledgements
    "onboarding.selected": {
        "zh": "已选：{items}。还可以接着选，选好后点“完成”。",
        "en": "Selected: {items}. Pick more, or Done.",
    },
    "onboarding.selected_none": {
        "zh": "目前什么也没选。",
        "en": "Nothing selected yet.",
    },
    "onboarding.noted": {"zh": "已记下：{items}", "en": "Noted: {items}"},
    "onboarding.updated": {"zh": "已更新：{items}", "en": "Updated: {items}"},
    "onboarding.pay_assumed_month": {
        "zh": "按每月 {amount} 元记下了（不对可以发“修改 工资”）。",
        "en": "Noted as {amount} yuan a month (send '/edit pay' if not).",
    },
    "onboarding.truncated": {
        "zh": "内容较长，只保存了前 {limit} 个字。",
        "en": "That was long; I kept the first {limit} {limit:character|characters}.",
    },
    "onboarding.done": {
        "zh": "登记完成！有合适的工作会第一时间推送给您。发“我的资料”查看，发“修改”更改，"
        "也可以随时直接告诉我新的想法。",
        "en": "All set! I will send you suitable jobs as they come. Send /profile to see your "
        "profile, /edit to change it, or just tell me what you are looking for.",
    },
    "onboarding.done_no_push": {
        "zh": "登记完成！您选择了不接收推送；想接收时发“恢复推送”。",
        "en": "All set! You chose not to receive jobs; send /resume when you want them.",
    },
    "onboarding.welcome_back": {
        "zh": "欢迎回来！您的资料都在，有合适的工作会推送给您。"
        "发“我的资料”查看，发“帮助”看更多功能。",
        "en": "Welcome back! Your profile is kept and suitable jobs will be sent to you. Send "
        "/profile to see it or /help for more.",
    },
    "onboarding.nothing_changed": {
        "zh": "没看出要改什么。可以直接说想找什么工作，比如“想在南开区找服务员，月薪4000以上”；"
        "发“修改”逐项修改，发“帮助”查看功能。",
        "en": "I could not tell what to change. Tell me what you are looking for, e.g. "
        "'waiter in Nankai, 4000 a month'; send /edit to change an item or /help.",
    },
    # Bad input: a short, specific explanation; the question follows
    "onboarding.bad.empty": {"zh": "没有收到内容。", "en": "I received nothing."},
    "onboarding.bad.work_form": {
        "zh": "请从下面选一种就业形式，回复编号或名称都可以。",
        "en": "Please choose one of the forms below (number or name).",
    },
    "onboarding.bad.categories": {
        "zh": "没看懂想做的工作。请选字母 A–Q（可以写“A C”），或写工作名称，比如“保洁”；"
        "列表里没有的请选“其他”。",
        "en": "I did not understand. Pick letters A–Q (e.g. 'A C') or name the work; "
        "choose Other for anything not listed.",
    },
    "onboarding.bad.categories_empty": {
        "zh": "请至少选一类工作再点“完成”，或选“其他”自己写。",
        "en": "Please pick at least one kind of work before Done, or choose Other.",
    },
    "onboarding.bad.other_category": {
        "zh": "请用文字写下想做的工作，比如“宠物美容”。",
        "en": "Please write the work in words, e.g. 'pet grooming'.",
    },
    "onboarding.bad.pay": {
        "zh": "工资请写数字，比如 5000 或 日结200；不确定可以选“面议”。",
        "en": "Please write pay as a number, e.g. 5000 or 200 a day; or choose Negotiable.",
    },
    "onboarding.bad.pay_range": {
        "zh": "{amount} 元看起来不太对。工资请写数字，比如 5000 或 日结200。",
        "en": "{amount} yuan does not look right. Please write e.g. 5000 or 200 a day.",
    },
    "onboarding.bad.pay_unit": {
        "zh": "请选工资的单位：按月、按天、按小时或计件。",
        "en": "Please choose the unit: month, day, hour or piece.",
    },
    "onboarding.bad.districts": {
        "zh": "没找到天津的区名。请选下面的区，或写区名，比如“西青区”“南开”，也可以发送位置。",
        "en": "I found no Tianjin district. Pick below, type a name like 'Xiqing', or share "
        "your location.",
    },
    "onboarding.bad.districts_empty": {
        "zh": "请至少选一个区再点“完成”，或选“不限”。",
        "en": "Please pick at least one district before Done, or choose Any.",
    },
    "onboarding.bad.far_location": {
        "zh": "这个位置离天津约 {km} 公里，太远了。请选天津的区。",
        "en": "That location is about {km} km from Tianjin. Please pick a Tianjin district.",
    },
    "onboarding.bad.keep_location": {
        "zh": "请回答要不要保存您的位置。",
        "en": "Please answer whether I may keep your location.",
    },
    "onboarding.bad.distance": {
        "zh": "距离请写公里数，比如 5 或 10公里（1 到 200 之间）；不限可以选“不限”。",
        "en": "Please write kilometres, e.g. 5 or 10 (between 1 and 200), or choose Any.",
    },
    "onboarding.bad.education": {
        "zh": "请从下面选您的文化程度。",
        "en": "Please choose your education level below.",
    },
    "onboarding.bad.skills": {
        "zh": "请用文字写您的技能，或点“跳过”。",
        "en": "Please describe your skills in words, or choose Skip.",
    },
    "onboarding.bad.needs": {
        "zh": "请从下面选需要的服务，或选“不需要”。",
        "en": "Please choose services below, or None.",
    },
    "onboarding.bad.consent": {
        "zh": "请回答“可以”或“暂时不用”。",
        "en": "Please answer Yes or Not now.",
    },
    "onboarding.bad.confirm": {
        "zh": "请点“确认”保存资料，或点“修改”更改某一项。",
        "en": "Choose Confirm to save, or Edit to change an item.",
    },
    "onboarding.bad.edit_field": {
        "zh": "请从下面选要修改的一项。",
        "en": "Please choose the item to change.",
    },
    # Choice labels
    "onboarding.choice.other": {"zh": "其他（自己写）", "en": "Other (type it)"},
    "onboarding.choice.any": {"zh": "不限", "en": "Any"},
    "onboarding.choice.none": {"zh": "不需要", "en": "None"},
    "onboarding.choice.keep_yes": {"zh": "保存位置", "en": "Keep it"},
    "onboarding.choice.keep_no": {"zh": "不保存", "en": "Don't keep"},
    "onboarding.choice.consent_yes": {"zh": "可以推送", "en": "Yes, send jobs"},
    "onboarding.choice.consent_no": {"zh": "暂时不用", "en": "Not now"},
    "onboarding.choice.edit": {"zh": "修改", "en": "Edit"},
    "onboarding.choice.back": {"zh": "返回", "en": "Back"},
    "onboarding.choice.km": {"zh": "{km} 公里内", "en": "within {km} km"},
    "onboarding.unit.month": {"zh": "元/月", "en": "per month"},
    "onboarding.unit.day": {"zh": "元/天（日结）", "en": "per day (daily pay)"},
    "onboarding.unit.hour": {"zh": "元/小时", "en": "per hour"},
    "onboarding.unit.piece": {"zh": "计件", "en": "piece rate"},
    # Questions seekers ask in the middle of the form (handlers.faq); the form question follows.
    "faq.fee": {
        "zh": "驿站的服务完全免费，找工作不收任何费用。"
        "凡是让您先交钱（押金、培训费、中介费）的都不要信。",
        "en": "The station's service is completely free: finding a job costs nothing. "
        "Never pay anyone a deposit, training fee or agency fee first.",
    },
    "faq.scam": {
        "zh": "我们推送的岗位都经过核对。识别骗局：要您先交钱、扣身份证、工资高得离谱、"
        "不肯说地址的，都不要去。拿不准就发“我要找人工”，工作人员帮您核实。",
        "en": "The jobs we send are checked. Signs of a scam: asking you to pay first, keeping "
        'your ID card, pay far above normal, no address. Not sure? Send "human" and a '
        "caseworker will check it for you.",
    },
    "faq.human": {
        "zh": "我是驿站的自动助手。已通知您所在区的工作人员，他们会尽快联系您。",
        "en": "I am the station's automatic assistant. A caseworker for your district has been "
        "told and will contact you soon.",
    },
    "faq.station": {
        "zh": "驿站地址：{address}；电话：{phone}。",
        "en": "Station address: {address}; phone: {phone}.",
    },
    "faq.station_unknown": {"zh": "请咨询当地人社部门", "en": "ask your local job centre"},
    "faq.age": {
        "zh": "能找到。很多岗位不限年龄或欢迎年纪大的（看门、保洁、绿化、分拣等），"
        "我们按您的意愿和能接受的活推荐，不会只看年龄。",
        "en": "Yes. Many jobs have no age limit or welcome older workers (gatekeeping, cleaning, "
        "gardening, sorting); we match on what you want and can do, not on age alone.",
    },
    "faq.handoff_staff": {
        "zh": "求职者 {name}（{district}）想找人工：{text}",
        "en": "Seeker {name} ({district}) asks for a person: {text}",
    },
}
