//! Micro-wishes (微心愿): a needy person's small wish, recorded by the station, claimed and
//! fulfilled by a party member, confirmed by the station. The state machine is one pure
//! function, [`decide`]; the store applies its result with a conditional `UPDATE` on the
//! state it was decided from, so two claims at once cannot both win.
//!
//! ```text
//!   open ──claim──▶ claimed ──fulfil──▶ fulfilled ──confirm──▶ confirmed
//!    ▲  ◀──release──┘  │
//!    └─cancel─┴────────┴──cancel──▶ cancelled
//! ```
//!
//! Who claims: a user who serves people hands-on (`Capability::LogVisit`: station and street
//! staff, and volunteers — the accounts party members serve under, in-service members
//! included). A person on the register without an account cannot claim on their own; the
//! station keeps the register, so it records and confirms (`Capability::ManageCare`).

use chrono::NaiveDate;

use crate::error::{FieldError, Msg, Reason};
use crate::msg;
use crate::vocabulary;
use crate::Id;

vocabulary!(
    /// Where a wish stands.
    WishStatus {
        Open = "open" / "待认领",
        Claimed = "claimed" / "已认领",
        Fulfilled = "fulfilled" / "已实现",
        Confirmed = "confirmed" / "已确认",
        Cancelled = "cancelled" / "已取消",
    }
);

vocabulary!(
    /// What someone does to a wish.
    WishCommand {
        Claim = "claim" / "认领",
        Release = "release" / "放弃认领",
        Fulfil = "fulfil" / "已实现",
        Confirm = "confirm" / "确认",
        Cancel = "cancel" / "取消",
    }
);

/// Longest wish text, fulfilment note.
pub const MAX_WISH_CHARS: usize = 200;
pub const MAX_NOTE_CHARS: usize = 500;
/// A micro-wish is small: at most ¥10,000 estimated.
pub const MAX_ESTIMATE_CENTS: i64 = 1_000_000;

/// The part of a wish the state machine reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WishState {
    pub status: WishStatus,
    /// The user who claimed it: set exactly while claimed, fulfilled or confirmed.
    pub claimed_by: Option<Id>,
}

impl WishState {
    pub const OPEN: WishState = WishState {
        status: WishStatus::Open,
        claimed_by: None,
    };

    /// The invariant every reachable state keeps: a claimer exactly when someone has taken
    /// the wish on (claimed, fulfilled, confirmed).
    pub fn is_valid(&self) -> bool {
        let taken = matches!(
            self.status,
            WishStatus::Claimed | WishStatus::Fulfilled | WishStatus::Confirmed
        );
        taken == self.claimed_by.is_some()
    }
}

/// Who is acting, as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wisher {
    pub user_id: Id,
    /// May claim, release and fulfil (`Capability::LogVisit`).
    pub serves: bool,
    /// Keeps the register: may confirm, cancel and release anyone's claim
    /// (`Capability::ManageCare`).
    pub keeps_register: bool,
}

/// Why a command is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The role, or the actor's relation to the wish, does not allow it (403).
    NotAllowed(Reason),
    /// Not in the wish's current status (409).
    WrongStatus(Reason),
}

impl Refusal {
    /// The refusal's words in both languages.
    pub fn reason(&self) -> &Reason {
        match self {
            Refusal::NotAllowed(r) | Refusal::WrongStatus(r) => r,
        }
    }
}

const WRONG_STATUS: Msg = msg!(
    "wish_wrong_status",
    "该心愿{status}，不能{command}",
    "This wish is {status}: it cannot be given “{command}”",
);
const MAY_NOT_CLAIM: Msg = msg!(
    "wish_may_not_claim",
    "您的角色不能认领心愿",
    "Your role cannot claim wishes",
);
const MAY_NOT_RELEASE: Msg = msg!(
    "wish_may_not_release",
    "您的角色不能放弃认领",
    "Your role cannot give up claims",
);
const CLAIMER_RELEASES: Msg = msg!(
    "wish_claimer_releases",
    "只有认领人或站点可以放弃认领",
    "Only the claimer or the station can give up the claim",
);
const MAY_NOT_FULFIL: Msg = msg!(
    "wish_may_not_fulfil",
    "您的角色不能登记心愿实现",
    "Your role cannot mark wishes fulfilled",
);
const CLAIMER_FULFILS: Msg = msg!(
    "wish_claimer_fulfils",
    "只有认领人可以登记心愿实现",
    "Only the claimer can mark the wish fulfilled",
);
const STATION_CONFIRMS: Msg = msg!(
    "wish_station_confirms",
    "只有站点可以确认心愿已实现",
    "Only the station can confirm a wish fulfilled",
);
const STATION_CANCELS: Msg = msg!(
    "wish_station_cancels",
    "只有站点可以取消心愿",
    "Only the station can cancel a wish",
);

/// The state after `cmd` by `who`, or why not. Pure: the caller stores the result on the
/// condition that the wish is still in `state`.
pub fn decide(state: WishState, cmd: WishCommand, who: Wisher) -> Result<WishState, Refusal> {
    use WishStatus::*;
    let not_allowed = |m: &Msg| Err(Refusal::NotAllowed(Reason::new(m)));
    let wrong = || {
        Err(Refusal::WrongStatus(
            Reason::new(&WRONG_STATUS)
                .with_words("status", state.status.label_zh(), state.status.label_en())
                .with_words("command", cmd.label_zh(), cmd.label_en()),
        ))
    };
    let mine = state.claimed_by == Some(who.user_id);
    match cmd {
        WishCommand::Claim => {
            if !who.serves {
                return not_allowed(&MAY_NOT_CLAIM);
            }
            match state.status {
                Open => Ok(WishState {
                    status: Claimed,
                    claimed_by: Some(who.user_id),
                }),
                _ => wrong(),
            }
        }
        WishCommand::Release => {
            if !who.serves && !who.keeps_register {
                return not_allowed(&MAY_NOT_RELEASE);
            }
            match state.status {
                // The station may free a claim its claimer forgot, so the wish is not stuck.
                Claimed if mine || who.keeps_register => Ok(WishState::OPEN),
                Claimed => not_allowed(&CLAIMER_RELEASES),
                _ => wrong(),
            }
        }
        WishCommand::Fulfil => {
            if !who.serves {
                return not_allowed(&MAY_NOT_FULFIL);
            }
            match state.status {
                Claimed if mine => Ok(WishState {
                    status: Fulfilled,
                    ..state
                }),
                Claimed => not_allowed(&CLAIMER_FULFILS),
                _ => wrong(),
            }
        }
        WishCommand::Confirm => {
            if !who.keeps_register {
                return not_allowed(&STATION_CONFIRMS);
            }
            match state.status {
                Fulfilled => Ok(WishState {
                    status: Confirmed,
                    ..state
                }),
                _ => wrong(),
            }
        }
        WishCommand::Cancel => {
            if !who.keeps_register {
                return not_allowed(&STATION_CANCELS);
            }
            match state.status {
                // Once fulfilled, the help was given: the station confirms, not cancels.
                Open | Claimed => Ok(WishState {
                    status: Cancelled,
                    claimed_by: None,
                }),
                _ => wrong(),
            }
        }
    }
}

/// The note given with a command, trimmed: a fulfilment says how the wish came true (at
/// most [`MAX_NOTE_CHARS`]); the other commands keep whatever note they were given.
pub fn check_note(cmd: WishCommand, note: Option<&str>) -> Result<Option<String>, FieldError> {
    let note = note.map(|n| n.trim().to_string());
    if cmd != WishCommand::Fulfil {
        return Ok(note);
    }
    match note.as_deref() {
        None | Some("") => Err(FieldError::new(
            "note",
            &msg!(
                "wish_note_needed",
                "请写明心愿如何实现",
                "Say how the wish was fulfilled"
            ),
        )),
        Some(n) if n.chars().count() > MAX_NOTE_CHARS => {
            Err(FieldError::new("note", &crate::error::TOO_LONG).with("max", MAX_NOTE_CHARS))
        }
        Some(_) => Ok(note),
    }
}

/// A new wish as typed, checked: the wish text (trimmed, returned), an estimate within a
/// micro-wish's size, and a deadline not already past.
pub fn check_new(
    wish: &str,
    estimated_cents: Option<i64>,
    deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<String, Vec<FieldError>> {
    let wish = wish.trim();
    let mut errors = Vec::new();
    if wish.is_empty() {
        errors.push(FieldError::new(
            "wish",
            &msg!("wish_empty", "请填写心愿内容", "Enter the wish"),
        ));
    } else if wish.chars().count() > MAX_WISH_CHARS {
        errors.push(
            FieldError::new(
                "wish",
                &msg!(
                    "wish_too_long",
                    "心愿内容最多 {max} 个字",
                    "A wish has at most {max} characters"
                ),
            )
            .with("max", MAX_WISH_CHARS),
        );
    }
    if let Some(c) = estimated_cents {
        if !(1..=MAX_ESTIMATE_CENTS).contains(&c) {
            errors.push(FieldError::new(
                "estimated_cents",
                &msg!(
                    "wish_estimate_range",
                    "估价应大于 0，微心愿不超过 1 万元",
                    "The estimate is more than 0 and at most 10,000 yuan"
                ),
            ));
        }
    }
    if deadline.is_some_and(|d| d < today) {
        errors.push(FieldError::new(
            "deadline",
            &msg!(
                "wish_deadline_past",
                "期望实现日期不能早于今天",
                "The hoped-for date cannot be before today"
            ),
        ));
    }
    if errors.is_empty() {
        Ok(wish.to_string())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VOLUNTEER: Wisher = Wisher {
        user_id: 1,
        serves: true,
        keeps_register: false,
    };
    const OTHER_VOLUNTEER: Wisher = Wisher {
        user_id: 2,
        ..VOLUNTEER
    };
    const STATION: Wisher = Wisher {
        user_id: 3,
        serves: true,
        keeps_register: true,
    };
    const AUDITOR: Wisher = Wisher {
        user_id: 4,
        serves: false,
        keeps_register: false,
    };

    fn status_after(steps: &[(WishCommand, Wisher)]) -> Result<WishState, Refusal> {
        steps
            .iter()
            .try_fold(WishState::OPEN, |s, (cmd, who)| decide(s, *cmd, *who))
    }

    #[test]
    fn the_happy_path_and_a_release() {
        use WishCommand::*;
        let done =
            status_after(&[(Claim, VOLUNTEER), (Fulfil, VOLUNTEER), (Confirm, STATION)]).unwrap();
        assert_eq!(done.status, WishStatus::Confirmed);
        assert_eq!(done.claimed_by, Some(VOLUNTEER.user_id));
        let back = status_after(&[(Claim, VOLUNTEER), (Release, VOLUNTEER)]).unwrap();
        assert_eq!(back, WishState::OPEN);
        let freed = status_after(&[(Claim, VOLUNTEER), (Release, STATION)]).unwrap();
        assert_eq!(
            freed,
            WishState::OPEN,
            "the station frees a forgotten claim"
        );
    }

    #[test]
    fn refusals_say_whether_role_or_status() {
        use WishCommand::*;
        let claimed = status_after(&[(Claim, VOLUNTEER)]).unwrap();
        assert!(matches!(
            decide(claimed, Claim, OTHER_VOLUNTEER),
            Err(Refusal::WrongStatus(_))
        ));
        for cmd in [Release, Fulfil] {
            assert!(matches!(
                decide(claimed, cmd, OTHER_VOLUNTEER),
                Err(Refusal::NotAllowed(_))
            ));
        }
        assert!(matches!(
            decide(WishState::OPEN, Claim, AUDITOR),
            Err(Refusal::NotAllowed(_))
        ));
        assert!(matches!(
            decide(claimed, Confirm, STATION),
            Err(Refusal::WrongStatus(_))
        ));
        assert!(matches!(
            decide(claimed, Confirm, VOLUNTEER),
            Err(Refusal::NotAllowed(_))
        ));
        let fulfilled = decide(claimed, Fulfil, VOLUNTEER).unwrap();
        assert!(matches!(
            decide(fulfilled, Cancel, STATION),
            Err(Refusal::WrongStatus(_))
        ));
        let cancelled = decide(claimed, Cancel, STATION).unwrap();
        assert_eq!(cancelled.claimed_by, None);
    }

    #[test]
    fn new_wishes_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        assert_eq!(
            check_new(" 一台收音机 ", Some(15_000), Some(today), today),
            Ok("一台收音机".to_string())
        );
        let errors =
            check_new("", Some(0), NaiveDate::from_ymd_opt(2026, 3, 9), today).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["wish", "estimated_cents", "deadline"]);
        assert!(check_new("x", Some(MAX_ESTIMATE_CENTS + 1), None, today).is_err());
    }

    #[test]
    fn a_fulfilment_says_how() {
        use WishCommand::*;
        assert_eq!(
            check_note(Fulfil, Some(" 已送到家中 ")),
            Ok(Some("已送到家中".into()))
        );
        for note in [None, Some("  ")] {
            assert_eq!(check_note(Fulfil, note).unwrap_err().field, "note");
        }
        let long = "好".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(check_note(Fulfil, Some(&long)).unwrap_err().field, "note");
        assert_eq!(check_note(Claim, None), Ok(None));
        assert_eq!(check_note(Cancel, Some(" 重复 ")), Ok(Some("重复".into())));
    }

    fn any_step() -> impl Strategy<Value = (WishCommand, Wisher)> {
        (
            proptest::sample::select(WishCommand::ALL),
            proptest::sample::select(vec![VOLUNTEER, OTHER_VOLUNTEER, STATION, AUDITOR]),
        )
    }

    proptest! {
        /// No sequence of commands, by anyone, reaches a state without its claimer (or with
        /// one it should not have), and what is confirmed or cancelled stays so.
        #[test]
        fn no_sequence_reaches_an_invalid_state(steps in proptest::collection::vec(any_step(), 0..40)) {
            let mut state = WishState::OPEN;
            for (cmd, who) in steps {
                let before = state;
                if let Ok(next) = decide(state, cmd, who) {
                    state = next;
                }
                prop_assert!(state.is_valid(), "{before:?} --{cmd}--> {state:?}");
                if matches!(before.status, WishStatus::Confirmed | WishStatus::Cancelled) {
                    prop_assert_eq!(state, before);
                }
                if before.status == WishStatus::Claimed && state.status == WishStatus::Fulfilled {
                    prop_assert_eq!(state.claimed_by, Some(who.user_id), "only the claimer fulfils");
                }
            }
        }
    }
}
