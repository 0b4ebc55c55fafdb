//! What every page shares: the layout's data ([`Chrome`]), the error page, and how times,
//! deadlines and rates are shown.

use askama::Template;
use chrono::{DateTime, TimeDelta, Utc};
use suqiu_core::access::Capability;
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::person::Person;
use suqiu_core::validate::mask_phone;

use super::i18n::Lang;
use super::Session;

/// The layout of a signed-in page: who, where, the navigation this role gets, the form token.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    pub lang: Lang,
    pub user_name: String,
    pub role_label: &'static str,
    pub unit_name: String,
    pub csrf: String,
    /// The navigation entry of this page (`home`, `appeals`, …).
    pub nav: &'static str,
    pub may_intake: bool,
    /// The roles that see a subtree see its problems (问题).
    pub may_problems: bool,
    pub may_people: bool,
    pub may_stats: bool,
    pub may_admin: bool,
    /// The district, which sets what every node follows.
    pub may_configure: bool,
    /// The unread notices as the header's badge shows them ("" when none).
    pub unread: String,
    /// The care registers: the aid fund and the love supermarket.
    pub may_fund: bool,
    /// Staff keeping the care register and the volunteers who visit.
    pub may_care: bool,
    /// Auditors and the district: the audit of reads.
    pub may_audit: bool,
    /// Staff who write for the public board (公开栏管理).
    pub may_publish: bool,
    /// The message of the save that led here, shown once ("" when none).
    pub flash: String,
    /// Where that save suggests going next: (path, label), or none.
    pub flash_next: Option<(String, &'static str)>,
}

impl Chrome {
    pub fn new(s: &Session, nav: &'static str) -> Chrome {
        let role = s.actor.role;
        Chrome {
            lang: s.lang,
            user_name: s.user.display_name.clone(),
            role_label: s.lang.label(role.code(), role.label_zh()),
            unit_name: s.unit_name.clone(),
            csrf: s.csrf.clone(),
            nav,
            may_intake: s.may(Capability::Intake),
            may_problems: suqiu_store::scope::is_subtree_role(role),
            // Everyone who may see people at all (staff and auditors) gets the register.
            may_people: s.may(Capability::ManagePeople) || s.may(Capability::ReadMetrics),
            may_stats: s.may(Capability::ReadMetrics),
            may_admin: s.may(Capability::Configure) || s.may(Capability::ManageUsers),
            may_configure: s.may(Capability::Configure),
            unread: super::notifications::badge(s.unread),
            may_fund: s.may(Capability::ReadCare),
            may_care: s.may(Capability::LogVisit) || s.may(Capability::ManageCare),
            may_audit: s.may(Capability::ReadAudit),
            may_publish: s.may(Capability::Publish),
            flash: s.flash.as_ref().map(|f| f.text(s.lang)).unwrap_or_default(),
            flash_next: s.flash.as_ref().and_then(|f| {
                f.next_link()
                    .map(|href| (href.to_string(), s.lang.t(&f.next_label)))
            }),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn label(&self, code: &str, zh: &'static str) -> &'static str {
        self.lang.label(code, zh)
    }

    /// The top-level section a page belongs to: care pages share 关爱, the statistics,
    /// report and scoreboard pages share 统计, the settings pages 设置 (each section has a
    /// second row of links).
    pub fn section(&self) -> &'static str {
        match self.nav {
            "care" | "teams" | "fund" | "supermarket" | "wishes" | "service" => "care",
            "stats" | "reports" | "ranking" | "board_items" => "stats",
            nav if nav == "admin" || nav.starts_with("admin_") => "admin",
            _ => "",
        }
    }

    /// The class that marks the top-level entry of the current page's section.
    pub fn in_section(&self, section: &str) -> &'static str {
        if self.section() == section {
            "current"
        } else {
            ""
        }
    }

    /// The settings pages as the second row of links: (nav, path, title).
    pub fn admin_pages(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        super::admin::pages(self.may_configure)
            .map(|(nav, href, title, _)| (*nav, *href, self.t(title)))
            .collect()
    }

    /// The class that marks the current navigation entry.
    pub fn current(&self, nav: &str) -> &'static str {
        if self.nav == nav {
            "current"
        } else {
            ""
        }
    }
}

/// An error page (no navigation: the session may be what failed).
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub lang: Lang,
    pub status: u16,
    pub title: &'static str,
    pub detail: String,
}

impl ErrorPage {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

// How times and deadlines read is one rule for pages, notices and workbooks alike: it
// lives in the core (`suqiu_core::display`); the names below are what the pages call it.
pub(crate) use suqiu_core::display::{deadline as deadline_at, time as when};

/// A deadline as people read it: when, and how long is left or how long it is overdue.
#[derive(Debug, Clone)]
pub(crate) struct Deadline {
    pub at: String,
    pub left: String,
    pub overdue: bool,
}

impl Deadline {
    pub fn new(lang: Lang, at: DateTime<Utc>, now: DateTime<Utc>) -> Deadline {
        let overdue = now > at;
        let span = if overdue { now - at } else { at - now };
        let prefix = if overdue {
            lang.t("time.overdue_by")
        } else {
            lang.t("time.left")
        };
        let amount = duration(lang, span);
        let left = match lang {
            Lang::Zh if !overdue => format!("{prefix}{amount}"),
            Lang::Zh => format!("{prefix} {amount}"),
            Lang::En => format!("{amount} {prefix}"),
        };
        Deadline {
            at: deadline_at(at),
            left,
            overdue,
        }
    }
}

/// `2天3小时`, `5小时20分钟`, `12分钟` (or `2d 3h` in English): the two largest units.
pub(crate) fn duration(lang: Lang, d: TimeDelta) -> String {
    let mins = d.num_minutes().max(0);
    let (days, hours, minutes) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    let (d_, h_, m_) = (
        lang.t("time.days"),
        lang.t("time.hours"),
        lang.t("time.minutes"),
    );
    let sep = if lang == Lang::En { " " } else { "" };
    if days > 0 {
        format!("{days}{d_}{sep}{hours}{h_}")
    } else if hours > 0 {
        format!("{hours}{h_}{sep}{minutes}{m_}")
    } else {
        format!("{minutes}{m_}")
    }
}

/// A rate as a percentage with one decimal, or "—" when nothing was due.
pub(crate) fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => "—".to_string(),
    }
}

/// One choice of a `<select>`: value, label, selected.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
        let value = value.into();
        let selected = value == current;
        Choice {
            value,
            label: label.into(),
            selected,
        }
    }
}

/// Most characters of an address a chooser shows: enough for the estate and building.
const CHOICE_ADDRESS_CHARS: usize = 16;

/// A person as a chooser lists them: enough to tell two 蒋子轩 apart — the masked phone
/// (its last four digits) and the address, shortened — without showing a full number (a
/// chooser shows nothing that would have to be audited).
pub(crate) fn person_label(p: &Person) -> String {
    let mut label = p.name.clone();
    if let Some(phone) = p.phone.as_deref() {
        label.push_str(" · ");
        label.push_str(&mask_phone(phone));
    }
    if let Some(address) = p
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        label.push_str(" · ");
        let mut chars = address.chars();
        label.extend(chars.by_ref().take(CHOICE_ADDRESS_CHARS));
        if chars.next().is_some() {
            label.push('…');
        }
    }
    label
}

/// A person as one choice of a `<select>` (see [`person_label`]).
pub(crate) fn person_choice(p: &Person, current: &str) -> Choice {
    Choice::new(p.id.to_string(), person_label(p), current)
}

/// The choices of a closed vocabulary, labelled in `lang`.
pub(crate) fn vocabulary_choices<T: Copy>(
    lang: Lang,
    all: &[T],
    code: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
    current: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice::new(code(*v), lang.label(code(*v), zh(*v)), current))
        .collect()
}

/// The forms' error messages by field, each in the language of the page that shows them
/// (chosen as each is added: the rules say both, the API only Chinese).
#[derive(Debug, Clone)]
pub(crate) struct FieldErrors(pub Vec<(String, String)>, Lang);

impl FieldErrors {
    /// No error yet, for a page in `lang`.
    pub fn new(lang: Lang) -> FieldErrors {
        FieldErrors(Vec::new(), lang)
    }

    pub fn from_problem(p: &crate::problem::Problem, lang: Lang) -> FieldErrors {
        let english = lang == Lang::En;
        let mut errors: Vec<(String, String)> = p
            .errors
            .iter()
            .map(|e| (e.field.clone(), e.text(english).to_string()))
            .collect();
        if errors.is_empty() {
            errors.push(("form".into(), p.reason().text(english).to_string()));
        }
        FieldErrors(errors, lang)
    }

    /// A rule's message about `field`.
    pub fn push(&mut self, field: &str, msg: &Msg) {
        let text = if self.1 == Lang::En { msg.en } else { msg.zh };
        self.push_text(field, text)
    }

    /// A rule's error, with its parameters given.
    pub fn push_error(&mut self, e: &FieldError) {
        let text = e.text(self.1 == Lang::En).to_string();
        self.push_text(&e.field, text)
    }

    /// Words already in the page's language (the page's own catalogue).
    pub fn push_text(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_string(), message.into()))
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// The message for `field` ("" when none): shown next to the field.
    pub fn get(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .unwrap_or("")
    }

    /// Messages for fields the form does not show next to a field of its own.
    pub fn other(&self, shown: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|(f, _)| !shown.contains(&f.as_str()))
            .map(|(_, m)| m.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn two_people_of_one_name_are_told_apart_without_a_full_number() {
        let person = |phone: Option<&str>, address: Option<&str>| Person {
            id: 7,
            name: "蒋子轩".into(),
            gender: None,
            birth_date: None,
            phone: phone.map(str::to_string),
            id_number: None,
            org_unit_id: 1,
            address: address.map(str::to_string),
            tags: Vec::new(),
            party: None,
        };
        let a = person(Some("13912341234"), Some("佛字桥小区3号楼201室"));
        let b = person(Some("13955556789"), Some("佛字桥小区5号楼"));
        assert_eq!(
            person_label(&a),
            "蒋子轩 · 139****1234 · 佛字桥小区3号楼201室"
        );
        assert_ne!(person_label(&a), person_label(&b));
        assert!(!person_label(&a).contains("13912341234"));
        let long = person(
            None,
            Some("上海市松江区岳阳街道佛字桥居民区人民北路123弄45号"),
        );
        assert_eq!(
            person_label(&long).chars().filter(|c| *c != '…').count(),
            3 + 3 + 16
        );
        assert!(person_label(&long).ends_with('…'));
        assert_eq!(person_label(&person(None, Some("  "))), "蒋子轩");
        let choice = person_choice(&a, "7");
        assert!(choice.selected && choice.value == "7");
    }

    #[test]
    fn deadlines_say_what_is_left_or_overdue() {
        let now = t("2026-11-24T02:00:00Z");
        let d = Deadline::new(Lang::Zh, t("2026-11-25T05:30:00Z"), now);
        assert_eq!(
            (d.at.as_str(), d.left.as_str(), d.overdue),
            ("2026-11-25 13:30", "剩余1天3小时", false)
        );
        let d = Deadline::new(Lang::Zh, t("2026-11-24T01:15:00Z"), now);
        assert_eq!((d.left.as_str(), d.overdue), ("已超期 45分钟", true));
        let d = Deadline::new(Lang::En, t("2026-11-24T04:10:00Z"), now);
        assert_eq!(d.left, "2h 10min left");
        assert_eq!(percent(Some(0.8766)), "87.7%");
        assert_eq!(percent(None), "—");
    }
}
