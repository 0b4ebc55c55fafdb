//! Closed vocabularies of the domain, each with its wire code (snake_case, as in API.md)
//! and its labels: Chinese (what the people using Suqiu read) and English (for English pages).

/// Declares a closed vocabulary: a `Copy` enum with serde names, `code()`, `label_zh()`,
/// `ALL` and `parse()`. One macro so every vocabulary behaves the same way on the wire,
/// in the database and on screen.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal / $zh:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and storage code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese label shown to users.
            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// The English label, for a page in English (the Chinese one where none is
            /// written: a test lists every vocabulary shown and finds none missing).
            pub fn label_en(self) -> &'static str {
                $crate::labels::english(self.code()).unwrap_or(self.label_zh())
            }

            /// Parses a wire/storage code; `None` when unknown.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The accepted codes, for error messages ("one of …").
            pub fn codes() -> String {
                [$($code),+].join("|")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

/// English labels of the vocabularies' codes (the Chinese ones are in each `vocabulary!`),
/// and of the few codes pages label that are not a vocabulary (a roster's columns). Codes shared
/// by two vocabularies (`phone`, `letter`, `online`, `registered`) read the same in both.
pub fn english(code: &str) -> Option<&'static str> {
    static BY_CODE: std::sync::OnceLock<std::collections::HashMap<&str, &str>> =
        std::sync::OnceLock::new();
    let by_code = BY_CODE.get_or_init(|| ENGLISH.iter().copied().collect());
    by_code.get(code).copied()
}

/// The English labels, by code (a table, not code: one line per label).
const ENGLISH: &[(&str, &str)] = &[
    // status
    ("registered", "Registered"),
    ("accepted", "Accepted"),
    ("in_progress", "In progress"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("rejected", "Rejected"),
    ("merged", "Merged"),
    // kind
    ("help", "Help"),
    ("complaint", "Complaint"),
    ("report", "Report"),
    ("inquiry", "Inquiry"),
    ("suggestion", "Suggestion"),
    ("praise", "Praise"),
    // channel
    ("walk_in", "Walk-in"),
    ("home_visit", "Home visit"),
    ("phone", "Phone"),
    ("online", "Online"),
    ("api", "API"),
    ("referral", "Referred down"),
    ("letter", "Letter"),
    ("in_person", "In person"),
    ("sms", "SMS"),
    // urgency
    ("normal", "Normal"),
    ("urgent", "Urgent"),
    // resolution
    ("solved", "Solved"),
    ("partly_solved", "Partly solved"),
    ("explained", "Explained"),
    // the appellant's own answer (the rest are the resolution's)
    ("partly", "Partly solved"),
    ("not_solved", "Not solved"),
    // satisfaction
    ("satisfied", "Satisfied"),
    ("basically_satisfied", "Basically satisfied"),
    ("dissatisfied", "Dissatisfied"),
    ("unreachable", "Unreachable"),
    // actions
    ("accept", "Accept"),
    ("assign", "Assign"),
    ("refer", "Refer"),
    ("escalate", "Escalate"),
    ("return", "Return"),
    ("progress", "Progress note"),
    ("extend", "Request extension"),
    ("extend_approve", "Decide extension"),
    ("resolve", "Resolve"),
    ("feedback", "Feedback"),
    ("follow_up", "Follow-up"),
    ("reopen", "Reopen"),
    ("reject", "Reject"),
    ("merge", "Merge"),
    ("supervise", "Supervise"),
    ("suspend", "Suspend the clock"),
    ("classify", "Sort the category"),
    ("mark_spam", "Mark as invalid"),
    ("unmark_spam", "Undo invalid"),
    // care: the fund's entries
    ("donation", "Donation"),
    ("grant", "Aid grant"),
    ("transfer", "Transfer"),
    ("reversal", "Reversal"),
    ("posted", "Posted"),
    ("pending", "Awaiting approval"),
    ("resume", "Resume the clock"),
    // deadlines
    ("respond", "Response limit"),
    // roles
    ("district_admin", "District admin"),
    ("street_staff", "Street staff"),
    ("station_staff", "Station staff"),
    ("department_liaison", "Department liaison"),
    ("volunteer", "Volunteer"),
    ("auditor", "Auditor"),
    // care tags
    ("elderly_member", "Elderly member"),
    ("aged_80_plus", "Aged 80+"),
    // roster fields (the import's columns; `phone` is the channel's "Phone")
    ("name", "Name"),
    ("gender", "Gender"),
    ("birth_date", "Birth date"),
    ("id_number", "ID number"),
    ("address", "Address"),
    ("org_unit", "Community or node"),
    ("tags", "Care tags"),
    ("party.category", "Party category"),
    ("party.joined_on", "Joined the party"),
    ("party.branch", "Party branch"),
    ("living_alone", "Living alone"),
    ("childless_elderly", "Childless elderly"),
    ("needy_member", "Needy member"),
    ("needy_resident", "Needy resident"),
    ("subsistence_allowance", "Subsistence allowance"),
    ("disabled", "Disabled"),
    ("serious_illness", "Serious illness"),
    ("unemployed", "Unemployed"),
    // party categories
    ("in_service", "In-service"),
    ("new_org", "New organization"),
    ("floating", "Floating"),
    // gender
    ("male", "Male"),
    ("female", "Female"),
    // org kinds
    ("district", "District"),
    ("street", "Street / town"),
    ("community", "Community"),
    ("grid", "Grid"),
    // care: levels and where a visit stands
    ("key", "Key care"),
    ("regular", "Regular care"),
    ("due", "Due"),
    ("upcoming", "Upcoming"),
    ("overdue", "Overdue"),
    // care: the holiday visit rules
    ("spring_festival", "Spring Festival"),
    ("july_first", "July 1 (Party Day)"),
    // micro-wishes: what can be done with one
    ("claim", "Claim"),
    ("release", "Give up the claim"),
    ("fulfil", "Mark fulfilled"),
    ("confirm", "Confirm"),
    ("cancel", "Cancel"),
    // micro-wishes: where a wish stands
    ("open", "Open"),
    ("dissolved", "Dissolved"),
    // what a read of personal data was of (the audit of reads)
    ("appeal", "Appeal"),
    ("claimed", "Claimed"),
    ("fulfilled", "Fulfilled"),
    ("confirmed", "Confirmed"),
    ("cancelled", "Cancelled"),
    // the public board: 党务公开 categories, a public reply's states and steps
    ("organization", "Organization"),
    ("activity", "Activities"),
    ("funds", "Funds"),
    ("decision", "Decisions"),
    ("other", "Other"),
    ("draft", "Awaiting review"),
    ("published", "Published"),
    ("withdrawn", "Withdrawn"),
    ("write", "Write"),
    ("publish", "Review and publish"),
    ("withdraw", "Withdraw"),
    // notices ("overdue" is the visits' "Overdue" too)
    ("reminder", "Deadline reminder"),
    ("escalated", "Escalated"),
    ("supervised", "Supervision"),
    ("returned", "Returned"),
    ("referral_resolved", "Referral resolved"),
    ("extension_requested", "Extension requested"),
    ("extension_approved", "Extension approved"),
    ("extension_denied", "Extension denied"),
    ("appellant_answered", "The appellant's answer"),
];
