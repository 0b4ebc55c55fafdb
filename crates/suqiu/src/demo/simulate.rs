//! Plays an appeal's life forward through the real lifecycle (`decide` → `apply`), so demo
//! data has the same shape as data made by people: realistic delays, referrals, late
//! answers, follow-ups — and stops at "now", leaving recent appeals open.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use suqiu_core::access::{Actor, Placement};
use suqiu_core::appeal::{Appeal, FeedbackChannel, Resolution, Satisfaction, Status};
use suqiu_core::calendar::WorkCalendar;
use suqiu_core::lifecycle::{apply, decide, Command, Context, Event};
use suqiu_core::policy::TimeLimitPolicy;
use suqiu_core::Id;

/// Where an org unit sits: what `Placement` needs.
#[derive(Debug, Clone)]
pub struct Node {
    pub path: String,
    pub parent: Option<Id>,
}

/// Who acts on appeals of one community.
#[derive(Debug, Clone)]
pub struct Cast {
    pub station: Actor,
    pub street: Actor,
    /// Departments of the street or district, each with its liaison.
    pub departments: Vec<(Id, Actor)>,
    pub volunteer: Option<Actor>,
}

pub struct World<'a> {
    pub nodes: &'a std::collections::HashMap<Id, Node>,
    pub calendar: &'a WorkCalendar,
    pub policy: &'a TimeLimitPolicy,
    pub now: DateTime<Utc>,
}

impl World<'_> {
    fn placement(&self, appeal: &Appeal) -> Placement {
        let path = |id: Id| {
            self.nodes
                .get(&id)
                .map(|n| n.path.clone())
                .unwrap_or_default()
        };
        let handling = self.nodes.get(&appeal.handling_org_unit_id);
        Placement {
            org_path: path(appeal.org_unit_id),
            handling_path: path(appeal.handling_org_unit_id),
            handling_parent: handling.and_then(|n| n.parent).map(|p| (p, path(p))),
        }
    }

    /// Runs `command` by `actor` at `at`; false (and nothing changes) when refused or in the future.
    fn step(
        &self,
        appeal: &mut Appeal,
        events: &mut Vec<Event>,
        actor: &Actor,
        at: DateTime<Utc>,
        command: Command,
    ) -> bool {
        if at > self.now {
            return false;
        }
        let place = self.placement(appeal);
        let ctx = Context {
            now: at,
            actor,
            place: &place,
            calendar: self.calendar,
            policy: self.policy,
        };
        match decide(appeal, &command, &ctx) {
            Ok(new) => {
                for e in &new {
                    apply(appeal, e);
                }
                events.extend(new);
                true
            }
            Err(_) => false,
        }
    }
}

fn hours(rng: &mut impl Rng, lo: f64, hi: f64) -> Duration {
    Duration::minutes((rng.gen_range(lo..hi) * 60.0) as i64)
}

const PROGRESS_NOTES: &[&str] = &[
    "已电话联系诉求人，约定上门查看时间。",
    "工作人员已到现场查看，情况属实，正在协调处理。",
    "已联系物业公司，物业承诺三个工作日内派人维修。",
    "已与相关部门沟通，等待对方答复。",
    "楼组长协助做邻里沟通工作，双方情绪已缓和。",
    "已召集居民代表、物业和业委会三方协商。",
];
const RESOLVE_NOTES: &[&str] = &[
    "问题已处理完毕，现场复查无异常。",
    "维修人员已上门修复，诉求人确认可以正常使用。",
    "经协调，相关单位已整改到位。",
    "已向诉求人详细解释相关政策规定，诉求人表示理解。",
    "已落实帮扶措施，后续由楼组长持续关注。",
];

/// Advances a freshly registered appeal (with its `registered` event in `events`) through a
/// plausible life, up to `world.now`.
pub fn simulate(
    rng: &mut impl Rng,
    appeal: &mut Appeal,
    events: &mut Vec<Event>,
    cast: &Cast,
    world: &World<'_>,
) {
    let mut t = appeal.created_at;
    let station = &cast.station;
    // 2% are not for the station at all.
    if rng.gen_bool(0.02) {
        t += hours(rng, 0.5, 6.0);
        world.step(
            appeal,
            events,
            station,
            t,
            Command::Reject {
                reason: "不属于本站受理范围，已告知诉求人向相关部门反映。".into(),
            },
        );
        return;
    }
    // Most are accepted well inside the respond limit; some late.
    t += if rng.gen_bool(0.93) {
        hours(rng, 0.1, 6.0)
    } else {
        hours(rng, 20.0, 60.0)
    };
    if !world.step(
        appeal,
        events,
        station,
        t,
        Command::Accept {
            note: Some("已受理，已联系诉求人。".into()),
        },
    ) {
        return;
    }
    // Who handles it: the station itself, a department, the street, or a volunteer.
    let route: f64 = rng.gen();
    let mut handler = station.clone();
    if route < 0.25 && !cast.departments.is_empty() {
        let (dept, liaison) = &cast.departments[rng.gen_range(0..cast.departments.len())];
        t += hours(rng, 0.5, 8.0);
        let note = "超出本站处置能力，转相关部门办理。".into();
        if world.step(
            appeal,
            events,
            station,
            t,
            Command::Refer {
                department_id: *dept,
                note,
            },
        ) {
            handler = liaison.clone();
        }
    } else if route < 0.30 {
        t += hours(rng, 1.0, 24.0);
        let note = "涉及多个居民区，需街道协调，上报街道。".into();
        if world.step(appeal, events, station, t, Command::Escalate { note }) {
            handler = cast.street.clone();
        }
    } else if route < 0.40 {
        if let Some(v) = &cast.volunteer {
            t += hours(rng, 0.5, 4.0);
            let cmd = Command::Assign {
                user_id: Some(v.user_id),
                team_id: None,
                note: Some("请志愿者上门了解情况。".into()),
            };
            if world.step(appeal, events, station, t, cmd) {
                handler = v.clone();
            }
        }
    }
    for _ in 0..rng.gen_range(0..3) {
        t += hours(rng, 2.0, 48.0);
        let note = PROGRESS_NOTES[rng.gen_range(0..PROGRESS_NOTES.len())].into();
        world.step(appeal, events, &handler, t, Command::Progress { note });
    }
    // Now and then the street presses (督办) or an extension is asked for.
    if rng.gen_bool(0.05) {
        let at = t + hours(rng, 1.0, 24.0);
        world.step(
            appeal,
            events,
            &cast.street,
            at,
            Command::Supervise {
                note: "请抓紧办理，按期答复群众。".into(),
            },
        );
    }
    if rng.gen_bool(0.04) {
        t += hours(rng, 1.0, 12.0);
        let asked = world.step(
            appeal,
            events,
            &handler,
            t,
            Command::Extend {
                days: rng.gen_range(3..10),
                reason: "需等待维修配件到货。".into(),
            },
        );
        if asked {
            t += hours(rng, 1.0, 20.0);
            let approve = rng.gen_bool(0.85);
            let reason = (!approve).then(|| "理由不充分，请按期办结。".to_string());
            world.step(
                appeal,
                events,
                &cast.street,
                t,
                Command::ExtendApprove { approve, reason },
            );
        }
    }
    // Resolution: mostly on time (the limit is working days; approximate with clock days).
    let limit = appeal
        .resolve_by
        .map(|by| by - t)
        .unwrap_or(Duration::days(3));
    let budget = limit.num_minutes().max(60) as f64 / 60.0;
    t += if rng.gen_bool(0.90) {
        hours(rng, 1.0, budget.max(1.5) * 0.9)
    } else {
        hours(rng, budget, budget * 2.0 + 24.0)
    };
    let resolution = match rng.gen_range(0..10) {
        0..=6 => Resolution::Solved,
        7..=8 => Resolution::PartlySolved,
        _ => Resolution::Explained,
    };
    let note = RESOLVE_NOTES[rng.gen_range(0..RESOLVE_NOTES.len())].into();
    if !world.step(
        appeal,
        events,
        &handler,
        t,
        Command::Resolve { resolution, note },
    ) {
        return;
    }
    close_loop(rng, appeal, events, station, world, t, resolution);
}

fn close_loop(
    rng: &mut impl Rng,
    appeal: &mut Appeal,
    events: &mut Vec<Event>,
    station: &Actor,
    world: &World<'_>,
    mut t: DateTime<Utc>,
    resolution: Resolution,
) {
    t += hours(rng, 0.5, 24.0);
    let note = "已将办理结果告知诉求人。".into();
    if !world.step(
        appeal,
        events,
        station,
        t,
        Command::Feedback {
            channel: FeedbackChannel::Phone,
            note,
        },
    ) {
        return;
    }
    for _ in 0..3 {
        t += hours(rng, 24.0, 72.0);
        let roll: f64 = rng.gen();
        let (satisfaction, solved) = if roll < 0.05 {
            (Satisfaction::Unreachable, None)
        } else if roll < 0.11 || resolution == Resolution::Explained && roll < 0.3 {
            (Satisfaction::Dissatisfied, Some(false))
        } else if roll < 0.30 {
            (
                Satisfaction::BasicallySatisfied,
                Some(resolution != Resolution::Explained),
            )
        } else {
            (
                Satisfaction::Satisfied,
                Some(resolution == Resolution::Solved || rng.gen_bool(0.5)),
            )
        };
        let reopen = satisfaction == Satisfaction::Dissatisfied && rng.gen_bool(0.4);
        let cmd = Command::FollowUp {
            satisfaction,
            solved,
            note: None,
            reopen,
        };
        if !world.step(appeal, events, station, t, cmd) {
            return;
        }
        if appeal.status != Status::Resolved {
            break;
        }
    }
    if appeal.status == Status::InProgress && appeal.reopen_count > 0 {
        t += hours(rng, 24.0, 96.0);
        let note = "重新办理后问题已解决。".into();
        if world.step(
            appeal,
            events,
            station,
            t,
            Command::Resolve {
                resolution: Resolution::Solved,
                note,
            },
        ) {
            close_loop(rng, appeal, events, station, world, t, Resolution::Solved);
        }
    }
}
