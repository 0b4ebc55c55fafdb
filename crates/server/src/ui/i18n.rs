//! The pages' words in Chinese (the default) and English: one small catalogue, one set of
//! templates. The language is a cookie (`suqiu_lang`), switched from the header.
//!
//! Data stays as entered (names of places, categories and people are Chinese); the closed
//! vocabularies (status, kind, …) have English labels here, keyed by their wire codes.

use axum::http::{header, HeaderMap};

pub const LANG_COOKIE: &str = "suqiu_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The `lang` attribute of the page.
    pub fn html(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language chosen by cookie; Chinese without one.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        for value in headers.get_all(header::COOKIE) {
            let Ok(s) = value.to_str() else { continue };
            for pair in s.split(';') {
                if let Some((k, v)) = pair.trim().split_once('=') {
                    if k.trim() == LANG_COOKIE {
                        if let Some(l) = Lang::parse(v.trim()) {
                            return l;
                        }
                    }
                }
            }
        }
        Lang::Zh
    }

    /// The message `key`; the key itself when the catalogue lacks it (a test checks that
    /// every key the templates use is present).
    pub fn t(self, key: &str) -> &'static str {
        match message(key) {
            Some((zh, en)) => match self {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => {
                tracing::warn!(key, "missing UI message");
                "?"
            }
        }
    }

    /// A holiday as the official arrangement names it (in Chinese, `data/calendar/`), in this
    /// language; a name not known here (a district's own file) stays as loaded. Names joined
    /// with `、` (国庆节、中秋节) are translated part by part.
    pub fn holiday(self, zh: &str) -> String {
        if self == Lang::Zh {
            return zh.to_string();
        }
        let parts: Vec<&str> = zh
            .split('、')
            .map(|part| english_holiday(part).unwrap_or(part))
            .collect();
        parts.join(" and ")
    }

    /// A step of the appellant's track page (`suqiu_core::tracking::public_step`, which
    /// words them in Chinese) in this language.
    pub fn track_step(self, zh: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => english_track_step(zh).unwrap_or(zh),
        }
    }

    /// A visit rule as the care pages state it (`VisitRule::label_zh` in Chinese).
    pub fn visit_rule(self, rule: &suqiu_core::care::VisitRule) -> String {
        use suqiu_core::care::Cadence;
        if self == Lang::Zh {
            return rule.label_zh();
        }
        let tag = self.label(rule.tag.code(), rule.tag.label_zh());
        match rule.cadence {
            Cadence::Every { days } => format!("{tag}: every {days} days"),
            Cadence::BeforeHoliday { holiday, days } => {
                let holiday = self.label(holiday.code(), holiday.label_zh());
                format!("{tag}: within {days} days before {holiday}")
            }
        }
    }

    /// The label of a vocabulary value: the Chinese label from core, or its English one.
    pub fn label(self, code: &str, zh: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => english_label(code).unwrap_or(zh),
        }
    }
}

/// English labels of the vocabularies' codes (the Chinese ones live in core). Codes shared
/// by two vocabularies (`phone`, `letter`, `online`, `registered`) read the same in both.
fn english_label(code: &str) -> Option<&'static str> {
    Some(match code {
        // status
        "registered" => "Registered",
        "accepted" => "Accepted",
        "in_progress" => "In progress",
        "resolved" => "Resolved",
        "closed" => "Closed",
        "rejected" => "Rejected",
        "merged" => "Merged",
        // kind
        "help" => "Help",
        "complaint" => "Complaint",
        "report" => "Report",
        "inquiry" => "Inquiry",
        "suggestion" => "Suggestion",
        "praise" => "Praise",
        // channel
        "walk_in" => "Walk-in",
        "home_visit" => "Home visit",
        "phone" => "Phone",
        "online" => "Online",
        "api" => "API",
        "referral" => "Referred down",
        "letter" => "Letter",
        "in_person" => "In person",
        "sms" => "SMS",
        // urgency
        "normal" => "Normal",
        "urgent" => "Urgent",
        // resolution
        "solved" => "Solved",
        "partly_solved" => "Partly solved",
        "explained" => "Explained",
        // satisfaction
        "satisfied" => "Satisfied",
        "basically_satisfied" => "Basically satisfied",
        "dissatisfied" => "Dissatisfied",
        "unreachable" => "Unreachable",
        // actions
        "accept" => "Accept",
        "assign" => "Assign",
        "refer" => "Refer",
        "escalate" => "Escalate",
        "return" => "Return",
        "progress" => "Progress note",
        "extend" => "Request extension",
        "extend_approve" => "Decide extension",
        "resolve" => "Resolve",
        "feedback" => "Feedback",
        "follow_up" => "Follow-up",
        "reopen" => "Reopen",
        "reject" => "Reject",
        "merge" => "Merge",
        "supervise" => "Supervise",
        "suspend" => "Suspend the clock",
        // care: the fund's entries
        "donation" => "Donation",
        "grant" => "Aid grant",
        "transfer" => "Transfer",
        "reversal" => "Reversal",
        "posted" => "Posted",
        "pending" => "Awaiting approval",
        "resume" => "Resume the clock",
        // deadlines
        "respond" => "Response limit",
        // roles
        "district_admin" => "District admin",
        "street_staff" => "Street staff",
        "station_staff" => "Station staff",
        "department_liaison" => "Department liaison",
        "volunteer" => "Volunteer",
        "auditor" => "Auditor",
        // care tags
        "elderly_member" => "Elderly member",
        "aged_80_plus" => "Aged 80+",
        // roster fields (the import's columns; `phone` is the channel's "Phone")
        "name" => "Name",
        "gender" => "Gender",
        "birth_date" => "Birth date",
        "id_number" => "ID number",
        "address" => "Address",
        "org_unit" => "Community or node",
        "tags" => "Care tags",
        "party.category" => "Party category",
        "party.joined_on" => "Joined the party",
        "party.branch" => "Party branch",
        "living_alone" => "Living alone",
        "childless_elderly" => "Childless elderly",
        "needy_member" => "Needy member",
        "needy_resident" => "Needy resident",
        "subsistence_allowance" => "Subsistence allowance",
        "disabled" => "Disabled",
        "serious_illness" => "Serious illness",
        "unemployed" => "Unemployed",
        // party categories
        "in_service" => "In-service",
        "new_org" => "New organization",
        "floating" => "Floating",
        // gender
        "male" => "Male",
        "female" => "Female",
        // org kinds
        "district" => "District",
        "street" => "Street / town",
        "community" => "Community",
        "grid" => "Grid",
        // care: levels and where a visit stands
        "key" => "Key care",
        "regular" => "Regular care",
        "due" => "Due",
        "upcoming" => "Upcoming",
        "overdue" => "Overdue",
        // care: the holiday visit rules
        "spring_festival" => "Spring Festival",
        "july_first" => "July 1 (Party Day)",
        // micro-wishes: what can be done with one
        "claim" => "Claim",
        "release" => "Give up the claim",
        "fulfil" => "Mark fulfilled",
        "confirm" => "Confirm",
        "cancel" => "Cancel",
        // micro-wishes: where a wish stands
        "open" => "Open",
        "claimed" => "Claimed",
        "fulfilled" => "Fulfilled",
        "confirmed" => "Confirmed",
        "cancelled" => "Cancelled",
        _ => return None,
    })
}

/// An amount in English words, as an English voucher writes it beside the figures (the
/// Chinese one writes the capitals, 贰佰元整): "Two hundred yuan", "Twelve yuan and five fen".
pub fn amount_in_words(cents: i64) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    fn below_thousand(n: i64) -> String {
        let (h, rest) = (n / 100, n % 100);
        let tail = match rest {
            0 => String::new(),
            1..=19 => ONES[rest as usize].to_string(),
            _ if rest % 10 == 0 => TENS[(rest / 10) as usize].to_string(),
            _ => format!(
                "{}-{}",
                TENS[(rest / 10) as usize],
                ONES[(rest % 10) as usize]
            ),
        };
        match (h, tail.is_empty()) {
            (0, _) => tail,
            (_, true) => format!("{} hundred", ONES[h as usize]),
            (_, false) => format!("{} hundred {tail}", ONES[h as usize]),
        }
    }
    fn words(n: i64) -> String {
        if n == 0 {
            return "zero".into();
        }
        let mut parts = Vec::new();
        let mut rest = n;
        for (scale, name) in [
            (1_000_000_000, "billion"),
            (1_000_000, "million"),
            (1_000, "thousand"),
        ] {
            if rest >= scale {
                parts.push(format!("{} {name}", below_thousand(rest / scale)));
                rest %= scale;
            }
        }
        if rest > 0 {
            parts.push(below_thousand(rest));
        }
        parts.join(" ")
    }
    let cents = cents.max(0);
    let (yuan, fen) = (cents / 100, cents % 100);
    let mut out = format!("{} yuan", words(yuan));
    if fen > 0 {
        out.push_str(&format!(" and {} fen", words(fen)));
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => out,
    }
}

/// Whether `s` holds Chinese characters (what an English page must not show outside
/// people's data).
pub fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{4e00}'..='\u{9fff}'))
}

/// The steps the track page shows, as `suqiu_core::tracking::public_step` words them.
fn english_track_step(zh: &str) -> Option<&'static str> {
    Some(match zh {
        "已登记" => "Registered",
        "已受理" => "Accepted",
        "已安排专人办理" => "Assigned to someone to handle",
        "已转有关部门办理" => "Referred to the department concerned",
        "已报上级协调办理" => "Raised to the level above to coordinate",
        "办理期限已延长" => "Time to handle it extended",
        "已办结" => "Resolved",
        "已答复" => "You have been answered",
        "已回访" => "Followed up with you",
        "重新办理" => "Being handled again",
        "不予受理（可到受理站点了解原因）" => {
            "Not accepted (ask the station for the reason)"
        }
        "已与相同诉求合并办理" => "Handled together with the same appeal",
        "等待您补充情况，暂停计时" => "Waiting for more from you; the clock is stopped",
        "恢复办理" => "Handling resumed",
        "已超过办理时限，正在督促" => "Past its time limit; being chased up",
        _ => return None,
    })
}

/// The public holidays of the State Council's arrangements.
fn english_holiday(zh: &str) -> Option<&'static str> {
    Some(match zh {
        "元旦" => "New Year's Day",
        "春节" => "Spring Festival",
        "清明节" => "Qingming Festival",
        "劳动节" => "Labour Day",
        "端午节" => "Dragon Boat Festival",
        "中秋节" => "Mid-Autumn Festival",
        "国庆节" => "National Day",
        _ => return None,
    })
}

/// The catalogue: key → (中文, English).
fn message(key: &str) -> Option<(&'static str, &'static str)> {
    // The figures' labels and explanations live in core's one table (`figure.CODE`,
    // `figure.CODE.note`), so every page, the API and the workbook name a figure alike.
    if let Some(code) = key.strip_prefix("figure.") {
        let (code, note) = match code.strip_suffix(".note") {
            Some(code) => (code, true),
            None => (code, false),
        };
        let f = suqiu_core::figures::by_code(code)?;
        return Some(if note {
            (f.note_zh, f.note_en)
        } else {
            (f.zh, f.en)
        });
    }
    Some(match key {
        "app.name" => ("诉求站", "Suqiu"),
        // care (关爱): the register, due visits, the visit form
        "nav.care" => ("关爱", "Care"),
        "nav.care_register" => ("关爱名册", "Care register"),
        "care.due_for" => ("谁的走访", "Whose visits"),
        "care.rules" => ("本站走访规则", "This station's visit rules"),
        "care.rules_note" => ("按关爱标签填写每隔几天至少走访一次；留空表示该标签不按间隔走访。", "For each care tag, visit at least every so many days; leave blank for no interval rule."),
        "care.every_days" => ("每隔天数", "every N days"),
        "care.holiday_rules" => ("节前走访（保持不变）", "Holiday visits (kept as they are)"),
        "care.rules_days" => ("天数应为正整数，如 7", "days must be a whole number, e.g. 7"),
        "care.due_everyone" => ("本站全部", "Everyone at the station"),
        "care.due_mine" => ("我负责的（结对和团队）", "Mine (pairings and teams)"),
        "track.title" => ("查询办理进度", "Track your appeal"),
        "track.intro" => ("请输入登记回执或短信上的查询码，以及您登记时所留手机号的后四位。", "Enter the tracking code from your receipt or text message, and the last four digits of the phone you left."),
        "track.digits" => ("手机号后四位", "Last four digits of your phone"),
        "track.submit" => ("查询", "Look up"),
        "track.no_match" => ("查询码或手机号后四位不对。未留手机号的诉求，请到受理站点查询。", "The code or the digits are wrong. Appeals without a phone can be asked about at the station."),
        "track.locked" => ("这个查询码输错次数过多，请稍后再试", "Too many wrong tries for this code; try again later"),
        "track.deadline" => ("当前办理时限", "current deadline"),
        "track.staff" => ("工作人员登录", "Staff sign-in"),
        "care.due_more" => ("以上为最紧迫的 50 人；另有待走访人数：", "The 50 most pressing are shown; also due:"),
        "teams.title" => ("服务团队与结对", "Teams and pairings"),
        "teams.teams" => ("组团式服务团队", "Service teams"),
        "teams.coverage_period" => ("走访覆盖统计期", "coverage over"),
        "teams.none" => ("还没有服务团队。", "No service teams yet."),
        "teams.team" => ("团队", "Team"),
        "teams.members" => ("成员", "Members"),
        "teams.blocks" => ("负责的楼组/网格", "Blocks of households"),
        "teams.households_visited" => ("已走访户数 / 户数", "Households visited / all"),
        "teams.add_member" => ("加入成员", "Add a member"),
        "teams.add_grid" => ("负责网格", "Own a grid"),
        "teams.add_address" => ("负责楼栋（地址开头）", "Own a building (address prefix)"),
        "teams.new_team" => ("新建团队", "New team"),
        "teams.create" => ("建立", "Create"),
        "teams.pairings" => ("结对帮扶", "Pairings"),
        "teams.no_pairings" => ("还没有结对。", "No pairings yet."),
        "teams.since" => ("结对于", "since"),
        "teams.last_contact" => ("最近联系", "last contact"),
        "teams.contact" => ("登记联系", "Log a contact"),
        "teams.contact_note" => ("联系情况", "What happened"),
        "teams.log" => ("登记", "Log"),
        "teams.person" => ("关爱对象", "Person in care"),
        "teams.partner" => ("结对人", "Partner"),
        "teams.note" => ("备注", "Note"),
        "teams.pair" => ("结对", "Pair"),
        "teams.choose" => ("请先选择要添加的项。", "Choose what to add first."),
        "care.title" => ("关爱名册", "Care register"),
        "care.forbidden" => ("您的角色不能查看关爱名册", "Your role may not see the care register"),
        "care.coverage" => ("走访覆盖", "Visit coverage"),
        "care.on_time" => ("按时走访率", "Visited on time"),
        "care.visited" => ("走访率", "Visited"),
        "care.counted" => ("应走访人数", "People under a rule"),
        "care.overdue" => ("逾期", "Overdue"),
        "care.due" => ("应走访", "Due for a visit"),
        "care.none_due" => ("暂无应走访人员", "No one is due a visit"),
        "care.register" => ("名册", "Register"),
        "care.address" => ("地址", "Address"),
        "care.rule" => ("走访规则", "Rule"),
        "care.due_on" => ("应走访日期", "Due by"),
        "care.level" => ("关爱等级", "Care level"),
        "care.last_visit" => ("上次走访", "Last visit"),
        "care.next" => ("下次走访", "Next visit"),
        "care.never" => ("从未走访", "Never visited"),
        "care.visit" => ("走访", "Visit"),
        "care.pick_kind" => ("请选择诉求类型", "Choose a kind"),
        "care.timeline" => ("关爱记录", "Care timeline"),
        "care.no_timeline" => ("暂无走访、结对联系或诉求记录", "No visits, contacts or appeals yet"),
        "care.kind.visit" => ("走访", "Visit"),
        "care.kind.contact" => ("结对联系", "Pairing contact"),
        "care.kind.appeal" => ("诉求", "Appeal"),
        "care.kind.aid" => ("助困金", "Aid"),
        "care.kind.goods" => ("爱心超市物资", "Goods"),
        "visit.title" => ("走访登记", "Log a visit"),
        "visit.note" => ("走访情况（所见所闻）", "What was seen"),
        "visit.follow_up" => ("后续跟进", "Follow-up"),
        "visit.raise" => ("当场登记诉求", "Raise an appeal"),
        "visit.raise_hint" => ("诉求人为被走访人，渠道为走访", "The person visited is the appellant; channel: home visit"),
        "visit.save" => ("保存走访记录", "Save the visit"),
        "visit.cancel" => ("取消", "Cancel"),
        "app.tagline" => ("党员群众诉求工作平台", "Community appeal station"),
        "nav.home" => ("工作台", "Dashboard"),
        "nav.appeals" => ("诉求列表", "Appeals"),
        "nav.intake" => ("诉求登记", "New appeal"),
        "nav.people" => ("人员档案", "People"),
        "nav.stats" => ("统计", "Statistics"),
        "nav.admin" => ("设置", "Settings"),
        "reports.forbidden" => ("您的角色不能查看考核排名和报表。", "Your role may not read the scoreboard and reports."),
        "reports.monthly" => ("月度报表", "Monthly report"),
        "reports.print" => ("打印", "Print"),
        "reports.monthly_title" => ("诉求工作月报", "monthly appeals report"),
        "reports.generated" => ("生成于", "generated"),
        "reports.summary" => ("总体情况", "Summary"),
        "reports.top" => ("诉求最多的五类", "Top five categories"),
        "reports.repeated" => ("重复诉求（同一地点同类问题三次及以上）", "Repeated problems (same place and category three or more times)"),
        "reports.none_repeated" => ("本月没有重复诉求。", "No repeated problems this month."),
        "reports.times" => ("次数", "Times"),
        "reports.none_overdue" => ("本月诉求目前没有超期的。", "None of the month's appeals is overdue now."),
        "reports.deadline" => ("时限", "Deadline"),
        "reports.prepared_by" => ("制表人", "Prepared by"),
        "reports.reviewed_by" => ("审核人", "Reviewed by"),
        "reports.xlsx" => ("导出 Excel（汇总、排名、台账、超期）", "Excel workbook (summary, ranking, ledger, overdue)"),
        "reports.ranking" => ("考核排名", "Scoreboard"),
        "reports.level" => ("层级", "Level"),
        "reports.streets" => ("街道（镇）", "Streets and towns"),
        "reports.communities" => ("居民区（村）", "Communities and villages"),
        "reports.change" => ("较上月", "vs last month"),
        "ranking.rule" => ("考核样本（本月登记、响应时限已到或已响应的诉求）不少于 {n} 件的单位才参加排名，不足的列在后面并标「样本不足」；同分同名次。", "Only units with a sample of at least {n} (the month's appeals whose response came due or was given) are ranked; the others are listed after them as too few to judge; equal scores share a rank."),
        "scoring.title" => ("考核规则", "Scoring rule"),
        "scoring.weight" => ("权重", "weight"),
        "scoring.min_sample" => ("参加排名的最低样本数（件）", "Smallest sample ranked (appeals)"),
        "scoring.save" => ("保存考核规则", "Save the scoring rule"),
        "scoring.saved" => ("考核规则已保存，下次查看排名时生效。", "Scoring rule saved; the scoreboard uses it from now on."),
        "figures.legend" => ("指标说明", "What the figures mean"),
        "reports.ranking_note" => ("综合得分按区里设定的权重计算响应率、办结率和满意率；名次变化与上月相比（↑ 上升，↓ 下降）。", "The score weighs the response, resolution and satisfaction rates as the district set them; the change compares with last month (↑ up, ↓ down)."),
        "reports.worst" => ("超期最久的诉求（最严重的 10 个单位，每个单位 3 件）", "Longest overdue appeals (the 10 worst units, 3 each)"),
        "reports.none_overdue_now" => ("目前没有超期的诉求。", "Nothing is overdue now."),
        "nav.logout" => ("退出", "Sign out"),
        "list.search_gone" => ("这次搜索已失效（或不是您的搜索），请重新输入关键词。", "This search is no longer available (or is not yours); type the words again."),
        "nav.notifications" => ("通知", "Notices"),
        "nav.unread" => ("未读", "unread"),
        "notices.title" => ("通知中心", "Notices"),
        "notices.all" => ("全部", "All"),
        "notices.unread_only" => ("只看未读", "Unread only"),
        "notices.mark_read" => ("标为已读", "Mark read"),
        "notices.mark_all_read" => ("全部标为已读", "Mark all read"),
        "notices.open" => ("查看诉求", "Open the appeal"),
        "notices.none" => ("没有通知。", "No notices."),
        "notices.none_unread" => ("没有未读通知。", "No unread notices."),
        "notices.unread" => ("未读", "Unread"),
        "nav.skip" => ("跳到正文", "Skip to content"),
        "nav.lang_other" => ("English", "中文"),
        // login
        "login.title" => ("登录", "Sign in"),
        "login.username" => ("用户名", "Username"),
        "login.password" => ("密码", "Password"),
        "login.submit" => ("登录", "Sign in"),
        "login.wrong" => ("用户名或密码错误", "Wrong username or password"),
        "login.locked" => (
            "登录失败次数过多，请稍后再试",
            "Too many failed attempts; try again later",
        ),
        "login.minutes" => ("分钟后可再试", "minutes until you can try again"),
        "login.expired" => (
            "登录页已过期，请重新登录",
            "The sign-in page expired; please try again",
        ),
        "login.busy" => (
            "同时登录的人太多，服务器正忙，请过几秒再试",
            "Too many sign-ins at once; try again in a few seconds",
        ),
        // the password page and signing out everywhere
        "account.password" => ("修改密码", "Change password"),
        "account.current" => ("当前密码", "Current password"),
        "account.new" => ("新密码", "New password"),
        "account.repeat" => ("再输一遍新密码", "New password again"),
        "account.rules" => (
            "不能是常见密码、生日或包含用户名。修改后，其他设备上的登录都会退出。",
            "Not a common password, a date or your username. Other devices are signed out after the change.",
        ),
        "account.min" => ("最少字符数", "Minimum characters"),
        // flash messages: what a page says once after a save (`flash.rs`)
        "flash.saved" => ("已保存。", "Saved."),
        // after intake and each action on an appeal (`intake.rs`, `detail.rs`)
        "flash.registered" => ("已登记", "Registered"),
        "flash.intake_next" => ("继续登记", "Register another"),
        "flash.accepted" => ("已受理", "Accepted"),
        "flash.assigned" => ("已分派", "Assigned"),
        "flash.referred" => ("已转办", "Referred"),
        "flash.escalated" => ("已上报", "Escalated"),
        "flash.returned" => ("已退回", "Returned"),
        "flash.progressed" => ("已记录办理进展", "Progress recorded"),
        "flash.extension_requested" => ("已申请延期，等待上级审批", "Extension requested; awaiting approval"),
        "flash.extension_decided" => ("已审批延期申请", "Extension request decided"),
        "flash.resolved" => ("已办结", "Resolved"),
        "flash.feedback" => ("已记录反馈", "Feedback recorded"),
        "flash.followed_up" => ("已记录回访", "Follow-up recorded"),
        "flash.reopened" => ("已重办", "Reopened"),
        "flash.rejected" => ("已不予受理", "Rejected"),
        "flash.merged" => ("已合并", "Merged"),
        "flash.supervised" => ("已督办", "Supervision recorded"),
        "flash.suspended" => ("已挂起", "Suspended"),
        "flash.resumed" => ("已恢复办理", "Resumed"),
        // settings (ui/admin): each save says what was saved; the change log records it
        "flash.admin_unit" => ("已保存并记录新节点：", "Saved and recorded the new node:"),
        "flash.admin_department" => ("已保存并记录新部门：", "Saved and recorded the new department:"),
        "flash.admin_user" => ("已保存并记录新用户：", "Saved and recorded the new user:"),
        "flash.admin_signed_out" => ("已保存：该用户已在所有设备上退出登录。", "Saved: the user has been signed out everywhere."),
        "flash.admin_category" => ("分类已保存并记录：", "Category saved and recorded:"),
        "flash.admin_limits" => ("办理时限已保存并记录。", "Time limits saved and recorded."),
        "flash.admin_calendar" => ("节假日安排已保存并记录，年份：", "Holiday arrangement saved and recorded for"),
        "flash.admin_password" => ("密码规则已保存并记录，最少字符数：", "Password rule saved and recorded; minimum characters:"),
        "flash.admin_station" => ("公开网址已保存并记录：", "Public address saved and recorded:"),
        "flash.password_changed" => (
            "密码已修改，其他设备上的登录已退出。",
            "Password changed; other devices have been signed out.",
        ),
        "admin.sign_out_all" => ("全部下线", "Sign out everywhere"),
        "admin.password_policy" => ("密码规则", "Password rules"),
        // home
        "home.title" => ("工作台", "Dashboard"),
        "home.queue" => ("我的待办", "My queue"),
        // status badges (ui/badge.rs)
        "badge.suspended" => ("已挂起", "clock stopped"),
        "home.today" => ("今日新登记", "Received today"),
        "home.none_today" => ("今天还没有新登记的诉求。", "No appeals received today yet."),
        "home.new_appeal" => ("登记新诉求", "Register an appeal"),
        "home.see_all" => ("查看全部", "See all"),
        "home.notices" => ("近期通知（督办、退回、延期审批）", "Recent notices (supervision, returns, extensions)"),
        "home.all_notices" => ("全部通知", "All notices"),
        // common fields
        "f.tracking_code" => ("查询码", "Tracking code"),
        "f.status" => ("状态", "Status"),
        "f.kind" => ("类型", "Kind"),
        "f.category" => ("分类", "Category"),
        "f.category1" => ("一级分类", "Category"),
        "f.category2" => ("二级分类", "Subcategory"),
        "f.urgency" => ("紧急程度", "Urgency"),
        "f.channel" => ("来源渠道", "Channel"),
        "f.org_unit" => ("所属节点", "Place (node)"),
        "f.handling" => ("承办单位", "Handling unit"),
        "f.assignee" => ("承办人", "Assignee"),
        "f.department" => ("转办部门", "Department"),
        "f.title" => ("标题", "Title"),
        "f.content" => ("诉求内容", "Content"),
        "f.location" => ("地点", "Place"),
        "f.appellant" => ("诉求人", "Appellant"),
        "f.phone" => ("电话", "Phone"),
        "f.email" => ("电子邮箱", "E-mail"),
        "f.created_at" => ("登记时间", "Received"),
        "f.respond_by" => ("响应时限", "Respond by"),
        "f.resolve_by" => ("办结时限", "Resolve by"),
        "f.deadline" => ("当前时限", "Current deadline"),
        "f.resolution" => ("办结结果", "Outcome"),
        "f.satisfaction" => ("满意度", "Satisfaction"),
        "f.public_consent" => ("同意匿名公开", "Consents to anonymous publication"),
        "f.note" => ("说明", "Note"),
        "f.reason" => ("理由", "Reason"),
        "f.name" => ("姓名", "Name"),
        "f.gender" => ("性别", "Gender"),
        "f.birth_date" => ("出生日期", "Birth date"),
        "f.id_number" => ("身份证号", "ID number"),
        "f.address" => ("住址", "Address"),
        "f.tags" => ("关爱标签", "Care tags"),
        "f.party" => ("党员信息", "Party membership"),
        "audit.title" => ("查阅记录", "Reads of personal data"),
        "audit.note" => (
            "谁在何时通过哪个页面、接口或导出看到了哪位人员或哪件诉求的完整电话、身份证号（隐去显示的不记录）。记录只增不改。",
            "Who was shown whose full phone or ID number, when, and through which page, API or export (masked views are not recorded). Records are never changed.",
        ),
        "audit.reader" => ("查阅人", "Reader"),
        "audit.from" => ("开始日期", "From"),
        "audit.to" => ("结束日期", "To"),
        "audit.at" => ("查阅时间", "When"),
        "audit.subject" => ("对象", "Record"),
        "audit.via" => ("途径", "Through"),
        "audit.none" => ("没有符合条件的查阅记录。", "No reads match."),
        "audit.export" => ("导出 Excel", "Export to Excel"),
        "nav.audit" => ("查阅记录", "Reads audit"),
        "f.created_by" => ("登记人", "Registered by"),
        "f.updated_by" => ("最后修改", "Last changed by"),
        "f.not_recorded" => ("未记录", "Not recorded"),
        "f.party_category" => ("党员类别", "Member category"),
        "f.joined_on" => ("入党日期", "Joined on"),
        "f.branch" => ("所属支部", "Branch"),
        "f.any" => ("全部", "Any"),
        "f.none" => ("无", "None"),
        "f.optional" => ("选填", "optional"),
        "f.yes" => ("是", "Yes"),
        "f.no" => ("否", "No"),
        "f.from" => ("起始日期", "From"),
        "f.to" => ("截止日期", "To"),
        "f.q" => ("全文检索", "Full text"),
        "f.sort" => ("排序", "Sort"),
        "f.assigned_to_me" => ("分派给我", "Assigned to me"),
        "f.role" => ("角色", "Role"),
        "f.username" => ("用户名", "Username"),
        "f.code" => ("编码", "Code"),
        "f.kind_of_node" => ("层级", "Level"),
        // time
        "time.left" => ("剩余", "left"),
        "time.overdue_by" => ("已超期", "overdue by"),
        "time.days" => ("天", "d"),
        "time.hours" => ("小时", "h"),
        "time.minutes" => ("分钟", "min"),
        "time.none" => ("无时限", "no limit"),
        // list
        "list.title" => ("诉求列表", "Appeals"),
        "list.filter" => ("筛选", "Filter"),
        "list.reset" => ("清除条件", "Clear"),
        "list.export" => ("导出 Excel", "Export to Excel"),
        "list.total" => ("共", "Total"),
        "list.items" => ("条", "appeals"),
        "list.empty" => ("没有符合条件的诉求。", "No appeals match."),
        "list.prev" => ("上一页", "Previous"),
        "list.next" => ("下一页", "Next"),
        "list.page" => ("页", "page"),
        "list.sort_newest" => ("最新登记", "Newest"),
        "list.sort_oldest" => ("最早登记", "Oldest"),
        "list.sort_deadline" => ("时限最近", "Nearest deadline"),
        "list.too_many" => (
            "导出条数超过上限，请缩小筛选范围",
            "Too many rows to export; narrow the filter",
        ),
        // intake
        "intake.title" => ("诉求登记", "Register an appeal"),
        "intake.who" => ("诉求人", "Who"),
        "intake.find" => ("查找已登记人员（姓名或电话）", "Find a registered person (name or phone)"),
        "intake.find_hint" => (
            "输入至少两个字或四位数字，用方向键选择",
            "Type two characters or four digits; choose with the arrow keys",
        ),
        "intake.chosen" => ("已选择", "Chosen"),
        "intake.clear" => ("重新选择", "Choose again"),
        "intake.mode_person" => ("登记在册的人员", "A registered person"),
        "intake.mode_named" => ("新的诉求人（姓名和电话）", "A new appellant (name and phone)"),
        "intake.mode_anonymous" => ("匿名", "Anonymous"),
        "intake.what" => ("诉求内容", "What"),
        "intake.deadlines" => ("办理时限（保存前预览）", "Time limits (before saving)"),
        "intake.deadlines_hint" => (
            "选择类型、分类和紧急程度后显示",
            "Shown once kind, category and urgency are chosen",
        ),
        "intake.phone_known" => ("该电话已登记", "This phone is on the register"),
        "intake.use_person" => ("使用此人", "Use this person"),
        "intake.new_anyway" => ("仍作为新居民登记", "Register as a new resident anyway"),
        "intake.similar" => ("近30天的类似诉求", "Similar appeals in the last 30 days"),
        "intake.similar_person" => ("同一诉求人", "same appellant"),
        "intake.similar_place" => ("同一地点", "same place"),
        "intake.save" => ("保存并生成回执", "Save and print receipt"),
        "intake.fix" => ("请更正以下标出的内容。", "Please correct the fields marked below."),
        "track.need_code" => ("请填写回执上的查询码", "Enter the tracking code from your receipt"),
        "track.need_digits" => (
            "请填写登记时所留手机号的后四位数字",
            "Enter the last four digits of the phone you left",
        ),
        "list.fix" => ("有筛选条件无法识别，请按标出的提示修改。", "Some filters could not be read; see the marks below."),
        "receipt.title" => ("诉求登记回执", "Appeal receipt"),
        "receipt.print" => ("打印回执", "Print"),
        "receipt.track" => (
            "请妥善保存本回执；询问办理进度时请出示查询码。留了手机号的，也可打开上面的查询网址，输入查询码和手机号后四位自助查询。",
            "Keep this receipt; give the tracking code when asking about progress. With a phone left, you can also open the address above and look it up yourself with the code and the phone's last four digits.",
        ),
        "receipt.track_at" => ("查询网址", "Track it online at"),
        "receipt.open" => ("查看诉求详情", "Open the appeal"),
        "receipt.station" => ("受理站点", "Station"),
        "receipt.signature" => ("经办人", "Received by"),
        // detail
        "detail.facts" => ("基本信息", "Details"),
        "detail.deadlines" => ("时限", "Time limits"),
        "detail.timeline" => ("办理记录", "Timeline"),
        "detail.actions" => ("可执行的操作", "What you can do"),
        "detail.no_actions" => ("当前没有您可执行的操作。", "Nothing for you to do now."),
        "detail.receipt" => ("回执", "Receipt"),
        "detail.extension" => ("延期", "Extension"),
        "detail.extension_requested" => ("已申请延期", "Extension requested"),
        "detail.extension_approved" => ("已批准延期", "Extension approved"),
        "detail.extension_denied" => ("延期未获批准", "Extension denied"),
        "detail.reopened" => ("重办次数", "Reopened"),
        "detail.merged_into" => ("已合并到", "Merged into"),
        "detail.other_appeal" => ("另一件诉求（不在您的范围内）", "another appeal (outside your scope)"),
        "detail.anonymous" => ("匿名", "Anonymous"),
        "act.user" => ("分派给人员", "To a person"),
        "act.team" => ("或分派给服务团队", "or to a team"),
        "act.department" => ("转办部门", "Department"),
        "act.days" => ("延期天数（工作日）", "Days (working days)"),
        "act.approve" => ("同意延期", "Approve"),
        "act.deny" => ("不同意", "Deny"),
        "act.feedback_channel" => ("反馈方式", "How the appellant was told"),
        "act.solved" => ("群众认为问题是否已解决？", "Does the appellant say it is solved?"),
        "act.satisfaction" => ("群众是否满意？", "How satisfied is the appellant?"),
        "act.reopen" => ("不满意时重新办理（重办）", "Reopen when dissatisfied"),
        "act.into" => ("合并到诉求（查询码）", "Into appeal (tracking code)"),
        "act.merge_similar" => (
            "近30天同一诉求人或同一地点的类似诉求（在上面输入或选择其查询码）：",
            "Similar appeals of the last 30 days, same appellant or place (type or pick the code above):",
        ),
        "act.department_find" => ("查找部门（输入名称筛选）", "Find a department (type to filter)"),
        "act.department_hint" => (
            "只列出可以转办的部门：本街道的在前，区级的在后。",
            "Only departments this appeal may go to: the street's first, then the district's.",
        ),
        "act.no_departments" => (
            "没有可转办的部门：请先在「设置」中为本街道或区添加部门。",
            "No department to refer to: add one for the street or district under Settings.",
        ),
        "act.reason_if_denied" => ("不同意时必填", "required when denying"),
        "act.submit" => ("提交", "Submit"),
        "act.choose" => ("请选择", "Choose"),
        // people
        "people.title" => ("人员档案", "People"),
        "people.search" => ("查找（姓名或电话）", "Search (name or phone)"),
        "people.new" => ("登记人员", "Register a person"),
        "people.edit" => ("修改档案", "Edit"),
        "people.save" => ("保存", "Save"),
        "people.appeals" => ("诉求记录", "Appeals"),
        "people.no_appeals" => ("暂无诉求记录。", "No appeals yet."),
        "people.empty" => ("没有找到人员。", "No people found."),
        "people.masked" => (
            "电话和身份证号已按权限隐去部分数字。",
            "Phone and ID numbers are partly hidden for your role.",
        ),
        "people.saved" => ("已保存。", "Saved."),
        "people.import" => ("导入花名册", "Import a roster"),
        "people.export" => ("导出 Excel", "Export to Excel"),
        // roster import
        "import.title" => ("花名册导入", "Roster import"),
        "import.template" => ("下载导入模板", "Download the template"),
        "import.rules" => (
            "上传 .xlsx 文件（第一张工作表，最多 5000 行、5 MB）。先核对列的对应关系、预览和错误清单；有任何一行出错则全部不导入。文件本身不保存，读出的内容保留 1 小时供确认。",
            "Upload an .xlsx file (first sheet, up to 5,000 rows and 5 MB). Check the columns, the preview and the errors first; nothing is imported while any row is wrong. The file is not kept; what was read from it is kept for an hour for you to confirm.",
        ),
        "import.file" => ("花名册文件", "Roster file"),
        "import.upload" => ("上传并检查", "Upload and check"),
        "import.mapping" => ("列的对应关系", "Columns"),
        "import.rows" => ("数据行", "Data rows"),
        "import.expires" => ("有效期至", "Kept until"),
        "import.column" => ("列", "Column"),
        "import.header" => ("表头", "Header"),
        "import.field" => ("对应项", "Field"),
        "import.skip" => ("（不导入）", "(skip)"),
        "import.check" => ("按此对应重新检查", "Check again"),
        "import.commit" => ("确认导入", "Import"),
        "import.ready" => ("全部行检查通过，可以导入。", "Every row checks out: ready to import."),
        "import.errors" => ("错误清单", "Errors"),
        "import.none_imported" => ("以下问题改正前不会导入任何人员。", "Nobody is imported until these are fixed."),
        "import.row" => ("行号", "Row"),
        "import.problem" => ("问题", "Problem"),
        "import.preview" => ("预览（前 20 人，按保存后的样子）", "Preview (first 20, as they will be stored)"),
        "import.no_preview" => ("没有可预览的行。", "No rows to preview."),
        "care.export_register" => ("导出名册 Excel", "Export the register"),
        "care.export_visits" => ("导出走访记录 Excel", "Export the visits"),
        // stats
        "stats.title" => ("统计考核", "Statistics"),
        "stats.period" => ("统计区间", "Period"),
        "stats.month" => ("月份", "Month"),
        "stats.show" => ("查看", "Show"),
        "stats.node" => ("单位", "Unit"),
        "stats.children" => ("下级单位", "Units below"),
        "stats.scores_chart" => ("下级单位综合得分", "Scores of the units below"),
        "stats.volume_chart" => ("近12个月登记量", "Appeals received, last 12 months"),
        "stats.categories" => ("分类统计", "By category"),
        "stats.null" => ("—（无应考核项）", "— (nothing due)"),
        "stats.no_data" => ("本期没有数据。", "No data for this period."),
        // admin
        "admin.title" => ("系统设置", "Settings"),
        "admin.org" => ("组织架构", "Organization"),
        "admin.departments" => ("转办部门", "Departments"),
        "admin.users" => ("用户与角色", "Users and roles"),
        "admin.categories" => ("诉求分类", "Categories"),
        "admin.time_limits" => ("办理时限", "Time limits"),
        "admin.calendar" => ("工作日历", "Working-day calendar"),
        "admin.calendar_years" => ("已载入官方安排的年份", "Years with official arrangements"),
        "admin.calendar_missing" => ("尚未载入节假日安排的年份", "Years without their official arrangement"),
        "admin.calendar_missing_why" => ("这些年份的办理时限只按周一至周五计算：法定节假日照常计时，调休上班的周末不计。国务院办公厅每年 11 月前后公布次年安排，公布后请在下方载入。", "Deadlines in these years count Monday to Friday only: public holidays count as working days and adjusted working weekends do not. The State Council publishes next year's arrangement around November; load it below once it is out."),
        "admin.holidays" => ("节假日", "Holidays"),
        "admin.calendar_load" => ("载入官方节假日安排", "Load an official arrangement"),
        "admin.calendar_json" => (
            "日历文件（JSON，格式同 data/calendar/）",
            "Calendar file (JSON, as in data/calendar/)",
        ),
        "admin.workdays" => ("调休上班日", "Adjusted working weekends"),
        "admin.respond" => ("响应时限", "Respond within"),
        "admin.resolve" => ("办结时限", "Resolve within"),
        "admin.save" => ("保存时限", "Save time limits"),
        "admin.add_category" => ("新增二级分类", "Add a second-level category"),
        "admin.rename_category" => ("分类改名", "Rename a category"),
        "admin.category_parent" => ("所属一级分类", "Under"),
        "admin.category_name" => ("分类名称", "Chinese name"),
        "admin.category_new_name" => ("新的中文名称", "New Chinese name"),
        "admin.add" => ("新增", "Add"),
        "admin.rename" => ("改名", "Rename"),
        "admin.category_note" => ("分类编码不变（诉求和统计按编码记录），所以分类只能新增和改名，不能删除。", "Codes never change (appeals and statistics keep them), so categories can be added and renamed, not deleted."),
        "admin.working_days" => ("个工作日", "working days"),
        "admin.clock_hours" => ("小时（自然时间）", "hours (clock time)"),
        "admin.urgent_note" => (
            "紧急诉求（各类型）按自然时间计算",
            "Urgent appeals (any kind) count clock hours",
        ),
        "admin.changes" => ("变更记录", "Change log"),
        "admin.add_user" => ("新增用户", "Add a user"),
        "admin.add_unit" => ("新增下级节点", "Add a node"),
        "admin.add_department" => ("新增转办部门", "Add a department"),
        "admin.parent" => ("上级", "Parent"),
        "admin.attached_to" => ("所属区或街道", "District or street"),
        "admin.liaison_only" => ("仅部门联络员", "liaisons only"),
        "admin.no_changes" => ("暂无变更记录。", "No changes recorded."),
        // settings: one page per part (ui/admin)
        "admin.overview" => ("概览", "Overview"),
        "admin.org_about" => ("街道、社区、网格和转办部门；新增节点和部门", "Streets, communities, grids and referral departments; add nodes and departments"),
        "admin.users_about" => ("账号、角色和所属节点；新增用户，让用户在所有设备上退出", "Accounts, roles and nodes; add users, sign a user out everywhere"),
        "admin.categories_about" => ("诉求的两级分类及其英文名称；新增和改名", "The two levels of appeal categories and their English names; add and rename"),
        "admin.limits_about" => ("各类诉求的响应和办结时限", "Response and resolution limits by kind of appeal"),
        "admin.calendar_about" => ("法定节假日和调休上班日；载入新一年的官方安排", "Public holidays and adjusted working weekends; load a new year's official arrangement"),
        "admin.security_about" => ("密码的最少字符数", "The minimum length of passwords"),
        "admin.station" => ("站点信息", "Station"),
        "admin.scoring_about" => ("排名的权重和最少样本数（统计页）", "The ranking's weights and minimum sample (a statistics page)"),
        "admin.station_about" => ("回执上打印的公开查询网址", "The public address printed on receipts for tracking"),
        "admin.station_printed" => ("回执上打印的查询网址", "Tracking address printed on receipts"),
        "admin.station_note" => ("群众用回执上的网址、查询码和手机号后四位自助查询办理进度。未设置时使用工作人员浏览器访问本系统的地址；群众从外网访问的地址不同（经反向代理、内网地址）时，请在此填写。", "Residents look their appeal up at this address with the code and their phone's last four digits. Unset, the address the desk's browser uses is printed; set it here when residents reach Suqiu at another address (behind a proxy, or an intranet address)."),
        "admin.public_base_url" => ("本站公开网址", "The station's public address"),
        "admin.save_station" => ("保存网址", "Save the address"),
        "admin.org_tree" => ("组织架构", "Organization tree"),
        "admin.no_departments" => ("暂无转办部门。", "No departments yet."),
        "admin.category_name_en" => ("英文名称", "English name"),
        "admin.save_policy" => ("保存密码规则", "Save the password rule"),
        "admin.calendar_days" => ("天", "days"),
        "admin.forbidden_view" => ("此角色不能查看系统设置：", "This role cannot see the settings: "),
        "admin.forbidden_change" => ("此角色不能修改这项设置：", "This role cannot change this setting: "),
        "admin.err_org_name" => ("请填写名称（最多 {n} 个字）", "Give a name of at most {n} characters"),
        "admin.err_org_code" => ("编码应为 1–{n} 位字母、数字、- 或 _", "A code is 1–{n} letters, digits, - or _"),
        "admin.err_parent" => ("请选择上级（网格下不能再设下级）", "Choose a parent (a grid takes no nodes under it)"),
        "admin.err_dept_unit" => ("请选择所属的区或街道", "Choose the district or a street"),
        "admin.err_role" => ("请选择角色", "Choose a role"),
        "admin.err_node" => ("请选择所属节点", "Choose the user's node"),
        "admin.err_department" => ("未知的部门", "Unknown department"),
        "admin.err_category" => ("未知的分类", "Unknown category"),
        "admin.err_whole_number" => ("应为正整数", "A whole number, please"),
        "admin.err_respond" => ("请填写响应时限", "Give the response limit"),
        "admin.err_min_length" => ("应为 8–64 之间的整数", "A whole number from 8 to 64"),
        "admin.err_public_url" => ("应为 http:// 或 https:// 开头的网址，不带空格、? 或 #", "An address starting with http:// or https://, without spaces, ? or #"),
        // punctuation that differs between the languages
        "punct.colon" => ("：", ": "),
        "punct.stop" => ("。", ". "),
        "punct.lparen" => ("（", " ("),
        "market.unit_example" => ("袋", "bag"),
        "teams.block_example" => ("3号楼", "Block 3"),
        "teams.name_example" => ("助老服务队", "Elder care team"),
        "punct.rparen" => ("）", ")"),
        "list.sep" => ("、", ", "),
        // errors
        "err.not_found" => ("未找到", "Not found"),
        "err.forbidden_detail" => ("您的角色不能打开此页面或进行此操作。", "Your role may not open this page or do this."),
        "err.bad_request_detail" => ("请求无法按所填内容处理。", "The request could not be carried out as sent."),
        "err.not_found_detail" => (
            "请求的页面不存在或不在您的管辖范围内。",
            "The page does not exist or is outside your scope.",
        ),
        "err.forbidden" => ("无权执行此操作", "Not allowed"),
        "err.csrf" => ("表单已失效", "Form expired"),
        "err.csrf_detail" => (
            "表单校验失败（页面可能已过期），请返回刷新后重试。",
            "The form could not be verified (the page may be stale); go back, reload and try again.",
        ),
        "err.bad_request" => ("无法处理", "Cannot do that"),
        "err.internal" => ("服务器内部错误", "Server error"),
        "err.internal_detail" => ("服务器内部错误，请稍后再试。", "Something went wrong; please try again later."),
        "err.back" => ("返回工作台", "Back to the dashboard"),
        // care: the aid fund and the love supermarket
        "nav.fund" => ("助困基金", "Aid fund"),
        "nav.supermarket" => ("爱心超市", "Love supermarket"),
        "fund.title" => ("助困基金", "Aid fund"),
        "fund.ledger" => ("基金账户", "Ledger"),
        "fund.open" => ("查看", "Open"),
        "fund.balance" => ("当前余额", "Balance"),
        "fund.entries" => ("收支记录", "Entries"),
        "fund.pending" => ("待审批发放", "Grants awaiting approval"),
        "fund.waiting" => ("等待上级审批", "Waiting for a higher level"),
        "fund.unit" => ("基金账户", "Fund"),
        "fund.person" => ("受助人", "Recipient"),
        "fund.amount" => ("金额", "Amount"),
        "fund.delta" => ("收支", "In / out"),
        "fund.when" => ("时间", "When"),
        "fund.kind" => ("类型", "Kind"),
        "fund.by" => ("经办人", "Handled by"),
        "fund.approver" => ("审批人", "Approved by"),
        "fund.approve" => ("批准", "Approve"),
        "fund.reject" => ("驳回", "Reject"),
        "fund.reverse" => ("冲正", "Reverse"),
        "fund.reversed" => ("已冲正", "Reversed"),
        "fund.voucher" => ("发放凭证", "Voucher"),
        "fund.export" => ("导出台账（Excel）", "Export ledger (Excel)"),
        "fund.public" => ("公开数据（按月汇总，不含姓名）", "Public monthly totals (no names)"),
        "fund.empty" => ("暂无收支记录。", "No entries yet."),
        "fund.donation" => ("登记捐赠", "Record a donation"),
        "fund.donor" => ("捐赠方及说明", "Donor and note"),
        "fund.grant" => ("助困发放", "Grant aid"),
        "fund.purpose" => ("发放事由", "Purpose"),
        "fund.levels" => (
            "站点可直接发放 1,000 元以内（默认），更大金额提交街道或区级审批。",
            "A station grants up to ¥1,000 (default) itself; larger grants go to the street or district for approval.",
        ),
        "fund.transfer" => ("资金划拨", "Transfer"),
        "fund.to" => ("划入账户", "To"),
        "fund.counterpart" => ("对方账户", "Other ledger"),
        "fund.amount_yuan" => ("金额（元）", "Amount (yuan)"),
        "fund.save" => ("提交", "Submit"),
        "voucher.title" => ("助困金发放凭证", "Aid grant voucher"),
        "voucher.print" => ("打印凭证", "Print the voucher"),
        "fund.no_pending" => ("没有待审批的发放。", "No grants are waiting."),
        "voucher.back" => ("返回基金台账", "Back to the ledger"),
        "voucher.no" => ("凭证编号", "Voucher no."),
        "voucher.unit" => ("发放单位", "Granted by"),
        "voucher.date" => ("发放日期", "Date"),
        "voucher.amount" => ("金额（小写）", "Amount"),
        "voucher.capitals" => ("金额（大写）", "Amount in words"),
        "voucher.level" => ("审批层级", "Approved at"),
        "voucher.sign_recipient" => ("受助人签收", "Received by"),
        "voucher.sign_handler" => ("经办人签字", "Handled by"),
        "voucher.sign_approver" => ("审批人签字", "Approved by"),
        "voucher.sign_date" => ("日期", "Date"),
        "market.title" => ("爱心超市", "Love supermarket"),
        "market.station" => ("站点", "Station"),
        "market.month" => ("月份", "Month"),
        "market.export" => ("导出月度台账（Excel）", "Export the month (Excel)"),
        "market.statement" => ("月度台账", "Monthly statement"),
        "market.empty" => ("还没有物品。", "No items yet."),
        "market.item" => ("物品", "Item"),
        "market.unit" => ("计量单位", "Unit"),
        "market.opening" => ("月初", "Opening"),
        "market.in" => ("入库", "In"),
        "market.out" => ("发放", "Out"),
        "market.closing" => ("月末", "Closing"),
        "market.stock" => ("库存", "Stock"),
        "market.movements" => ("本月出入库", "This month's movements"),
        "market.no_movements" => ("本月没有出入库。", "No movements this month."),
        "market.quantity" => ("数量", "Quantity"),
        "market.recipient" => ("领取人", "Recipient"),
        "market.recipient_hint" => ("发放时必填", "required to hand out"),
        "market.move" => ("入库 / 发放", "Stock in / hand out"),
        "market.direction" => ("方向", "Direction"),
        "market.stock_in" => ("入库（捐赠）", "Stock in (donation)"),
        "market.hand_out" => ("发放", "Hand out"),
        "market.new_item" => ("新增物品", "New item"),
        // micro-wishes (微心愿) and in-service party members (在职党员报到)
        "wish.title" => ("微心愿", "Micro-wishes"),
        "wish.none" => ("暂无。", "None."),
        "wish.person" => ("许愿人", "Wisher"),
        "wish.wish" => ("心愿", "Wish"),
        "wish.estimate" => ("估价", "Estimate"),
        "wish.estimate_yuan" => ("估价（元）", "Estimate (yuan)"),
        "wish.deadline" => ("期望日期", "Hoped for by"),
        "wish.claimer" => ("认领人", "Claimed by"),
        "wish.how" => ("实现情况", "How it was fulfilled"),
        "wish.history" => ("经过", "History"),
        "wish.recorded" => ("登记", "Recorded"),
        "wish.released" => ("放弃认领", "Released"),
        "wish.claim" => ("认领", "Claim"),
        "wish.release" => ("放弃认领", "Release"),
        "wish.fulfil" => ("登记已实现", "Mark fulfilled"),
        "wish.confirm" => ("确认", "Confirm"),
        "wish.cancel" => ("取消", "Cancel"),
        "wish.record" => ("登记微心愿", "Record a wish"),
        "wish.save" => ("保存", "Save"),
        "service.title" => ("在职党员报到", "In-service party members"),
        "service.from" => ("起", "From"),
        "service.to" => ("止", "To"),
        "service.total_hours" => ("服务时长（小时）", "Hours served"),
        "service.members_serving" => ("参与服务党员", "Members who served"),
        "service.registered" => ("报到党员", "Registered members"),
        "service.by_member" => ("按党员", "By member"),
        "service.by_post" => ("按岗位", "By post"),
        "service.no_hours" => ("本期间没有服务记录。", "No hours in this period."),
        "service.community" => ("服务社区", "Community"),
        "service.hours" => ("时长（小时）", "Hours"),
        "service.entries" => ("次数", "Entries"),
        "service.members" => ("人数", "Members"),
        "service.post" => ("岗位", "Post"),
        "service.posts" => ("服务岗位", "Service posts"),
        "service.no_posts" => ("还没有服务岗位。", "No service posts yet."),
        "service.registrations" => ("报到名单", "Registrations"),
        "service.none_registered" => ("还没有党员报到。", "No one has registered yet."),
        "service.since" => ("报到日期", "Registered on"),
        "service.all_hours" => ("累计时长", "All hours"),
        "service.log_hours" => ("登记服务时长", "Log hours"),
        "service.member" => ("党员", "Member"),
        "service.served_on" => ("服务日期", "Served on"),
        "service.register" => ("党员报到", "Register a member"),
        "service.in_service_only" => ("仅列出党员类别为「在职报到」的人员", "Only people whose party category is in-service are listed"),
        "service.new_post" => ("新增服务岗位", "New service post"),
        "service.save" => ("保存", "Save"),
        // Forms (issue 13 §2): what to fix, the person picker's filter, and the flash of
        // each save outside the appeals and /admin (`posted.rs`, `flash.rs`).
        "form.fix" => (
            "未保存：请按下面的提示修改后再保存。",
            "Not saved: please correct what is marked below and save again.",
        ),
        "form.filter" => ("筛选", "Filter"),
        "form.filter_hint" => (
            "输入姓名、手机尾号或地址筛选",
            "Type a name, phone digits or address to filter",
        ),
        "form.search_hint" => (
            "输入姓名、手机尾号或地址中的两个字以上查找",
            "Type two or more characters of a name, phone digits or address",
        ),
        "market.unit_hint" => ("如 袋、件、桶", "e.g. bag, piece"),
        "flash.item_added" => ("已新增物品", "Item added:"),
        "flash.handed_out" => ("已登记发放", "Handed out:"),
        "flash.stocked_in" => ("已登记入库", "Stocked in:"),
        "flash.to_person" => ("查看领取人档案", "Open the recipient's record"),
        "fund.appeal_code" => ("关联诉求追踪码", "Related appeal's tracking code"),
        "fund.appeal_code_hint" => ("选填，如 SQ-20261204-0001", "optional, e.g. SQ-20261204-0001"),
        "flash.grant_posted" => ("已发放助困金", "Grant paid:"),
        "flash.grant_pending" => (
            "已登记助困发放，等待上级审批",
            "Grant recorded, waiting for approval:",
        ),
        "flash.grant_approved" => ("已批准发放", "Grant approved:"),
        "flash.grant_rejected" => ("已驳回发放", "Grant rejected:"),
        "flash.donation_posted" => ("已登记捐赠", "Donation recorded:"),
        "flash.transfer_posted" => ("已划拨", "Transferred:"),
        "flash.reversal_posted" => ("已冲正", "Reversed:"),
        "flash.wish_recorded" => ("已登记心愿", "Wish recorded:"),
        "flash.to_wisher" => ("查看许愿人档案", "Open the wisher's record"),
        "flash.wish_claim" => ("已认领心愿", "Wish claimed:"),
        "flash.wish_release" => ("已放弃认领", "Claim released:"),
        "flash.wish_fulfil" => ("已登记心愿实现，待工作人员确认", "Marked fulfilled, to be confirmed:"),
        "flash.wish_confirm" => ("已确认心愿实现", "Fulfilment confirmed:"),
        "flash.wish_cancel" => ("已取消心愿", "Wish cancelled:"),
        "flash.post_added" => ("已新增服务岗位", "Service post added:"),
        "flash.service_registered" => ("已登记报到", "Registered:"),
        "flash.to_member" => ("查看党员档案", "Open the member's record"),
        "flash.hours_logged" => ("已登记服务时长", "Hours logged:"),
        "flash.person_created" => ("已登记人员", "Person registered:"),
        "flash.person_updated" => ("已保存人员信息", "Saved:"),
        "people.new_hint" => ("人员信息", "Details"),
        "people.address_hint" => (
            "按登记册的写法，如 佛字桥小区3号楼201室",
            "as the register writes it, e.g. Building 3, Room 201",
        ),
        "flash.visit_logged" => ("已登记走访", "Visit logged."),
        "flash.visit_appeal" => ("已登记走访，并据此登记了诉求。", "Visit logged and the appeal registered."),
        "flash.to_visited" => ("查看被走访人档案", "Open the person's record"),
        "teams.building_hint" => ("从登记册的楼栋中选，如 佛字桥小区3号楼", "a building on the register"),
        "flash.team_created" => ("已新建团队", "Team created:"),
        "flash.team_changed" => ("已更新团队", "Team updated:"),
        "flash.paired" => ("已结对。", "Paired."),
        "flash.contact_logged" => ("已记录联系。", "Contact logged."),
        "audit.person" => ("被查阅人员", "Person"),
        "audit.appeal_code" => ("诉求追踪码", "Appeal tracking code"),
        "flash.imported" => ("导入完成，新增人员：", "Import done, people added:"),
        "flash.rules_saved" => ("已保存走访规则。", "Visit rules saved."),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files under `dir`, its subdirectories' too.
    fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("read the directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                out.extend(files(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    /// Every message key the templates and the UI code look up has both languages.
    #[test]
    fn every_key_used_is_in_the_catalogue() {
        let dirs = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/ui"),
        ];
        let mut checked = 0;
        for path in dirs.iter().flat_map(|d| files(std::path::Path::new(d))) {
            let text = std::fs::read_to_string(&path).expect("read a file");
            for part in text.split(".t(\"").skip(1) {
                let Some(end) = part.find('"') else { continue };
                let key = &part[..end];
                assert!(
                    message(key).is_some(),
                    "{}: key {key:?} is not in the catalogue",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(
            checked > 100,
            "found only {checked} keys: is the scan broken?"
        );
    }

    /// Chinese characters and CJK or full-width punctuation: what an English page must not
    /// show outside people's data (the browser-level test, `tests/finish.rs`, uses the same
    /// ranges).
    fn cjk(c: char) -> bool {
        matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3001}'..='\u{303f}' | '\u{ff01}'..='\u{ff60}')
    }

    /// Every entry of the catalogue has both languages, and its English has no Chinese in
    /// it (the catalogue is read from this file: a `match` cannot be listed).
    #[test]
    fn every_message_has_both_languages_and_the_english_is_english() {
        let source = include_str!("i18n.rs");
        let catalogue = &source[source.find("fn message(").expect("the catalogue")..];
        let mut checked = 0;
        for line in catalogue.lines() {
            let line = line.trim_start();
            let Some(rest) = line.strip_prefix('"') else {
                continue;
            };
            let Some((key, tail)) = rest.split_once('"') else {
                continue;
            };
            if !tail.trim_start().starts_with("=> (") {
                continue;
            }
            let (zh, en) = message(key).unwrap_or_else(|| panic!("{key} is not found"));
            assert!(!zh.trim().is_empty(), "{key}: no Chinese");
            assert!(!en.trim().is_empty(), "{key}: no English");
            // The switch to Chinese is named in Chinese (marked `lang="zh-CN"` on the page).
            if key != "nav.lang_other" {
                assert!(!en.chars().any(cjk), "{key}: Chinese in the English {en:?}");
            }
            checked += 1;
        }
        assert!(
            checked > 300,
            "found only {checked} entries: is the scan broken?"
        );
    }

    /// Every value of the closed vocabularies pages show has an English label (a missing
    /// one would show the Chinese label on an English page).
    #[test]
    fn every_vocabulary_shown_has_an_english_label() {
        use suqiu_core::access::{ActionKind, Role};
        use suqiu_core::appeal::*;
        use suqiu_core::care::{DueStatus, Holiday};
        use suqiu_core::fund::{EntryKind, EntryStatus};
        use suqiu_core::org::OrgKind;
        use suqiu_core::person::{CareTag, Gender, PartyCategory};
        use suqiu_core::wishes::{WishCommand, WishStatus};
        fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|v| code(*v)).collect()
        }
        let all = [
            codes(Status::ALL, Status::code),
            codes(Kind::ALL, Kind::code),
            codes(Channel::ALL, Channel::code),
            codes(Urgency::ALL, Urgency::code),
            codes(Resolution::ALL, Resolution::code),
            codes(Satisfaction::ALL, Satisfaction::code),
            codes(FeedbackChannel::ALL, FeedbackChannel::code),
            codes(Deadline::ALL, Deadline::code),
            codes(Role::ALL, Role::code),
            codes(ActionKind::ALL, ActionKind::code),
            codes(OrgKind::ALL, OrgKind::code),
            codes(CareTag::ALL, CareTag::code),
            codes(PartyCategory::ALL, PartyCategory::code),
            codes(Gender::ALL, Gender::code),
            codes(DueStatus::ALL, DueStatus::code),
            codes(Holiday::ALL, Holiday::code),
            codes(EntryKind::ALL, EntryKind::code),
            codes(EntryStatus::ALL, EntryStatus::code),
            codes(WishStatus::ALL, WishStatus::code),
            codes(WishCommand::ALL, WishCommand::code),
        ];
        let missing: Vec<&str> = all
            .iter()
            .flatten()
            .copied()
            .filter(|code| english_label(code).is_none())
            .collect();
        assert!(missing.is_empty(), "no English label for {missing:?}");
    }

    #[test]
    fn amounts_are_written_in_english_words() {
        assert_eq!(amount_in_words(20_000), "Two hundred yuan");
        assert_eq!(amount_in_words(1_205), "Twelve yuan and five fen");
        assert_eq!(
            amount_in_words(123_456_789),
            "One million two hundred thirty-four thousand five hundred sixty-seven yuan and eighty-nine fen"
        );
        assert_eq!(amount_in_words(10_000_000_000), "One hundred million yuan");
        assert_eq!(amount_in_words(0), "Zero yuan");
    }

    #[test]
    fn cookie_chooses_the_language() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::from_headers(&h), Lang::Zh);
        h.insert(header::COOKIE, "a=1; suqiu_lang=en".parse().expect("h"));
        assert_eq!(Lang::from_headers(&h), Lang::En);
        assert_eq!(Lang::En.t("nav.home"), "Dashboard");
        assert_eq!(Lang::Zh.t("nav.home"), "工作台");
        assert_eq!(Lang::En.label("walk_in", "接访"), "Walk-in");
        assert_eq!(Lang::En.label("no_such_code", "某"), "某");
    }
}
