//! Plays an appeal's life forward through the real lifecycle (`decide` → `apply`), so demo
//! data has the same shape as data made by people: realistic delays, referrals, late
//! answers, follow-ups — and stops at "now", leaving recent appeals open.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use suqiu_core::access::{Actor, Placement};
use suqiu_core::appeal::{Appeal, FeedbackChannel, Resolution, Satisfaction, Status};
use suqiu_core::calendar::WorkCalendar;
use suqiu_core::lifecycle::{decide_and_apply, Command, Context, Event};
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
        decide_and_apply(appeal, &command, &ctx)
            .map(|new| events.extend(new))
            .is_ok()
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
    let t = appeal.created_at;
    let mut life = Life {
        rng,
        appeal,
        events,
        cast,
        world,
        t,
    };
    if !life.receive() {
        return;
    }
    let handler = life.route();
    life.work(handler);
    if let Some(resolution) = life.resolve(handler) {
        life.close_loop(resolution);
    }
}

/// One appeal's life as it is played: the appeal and its events so far, who acts on it, and
/// the story's clock `t`. Each step draws from `rng` in a fixed order, so a seed gives the
/// same life.
struct Life<'a, R> {
    rng: &'a mut R,
    appeal: &'a mut Appeal,
    events: &'a mut Vec<Event>,
    cast: &'a Cast,
    world: &'a World<'a>,
    t: DateTime<Utc>,
}

impl<'a, R: Rng> Life<'a, R> {
    /// Moves the story's clock on by between `lo` and `hi` hours.
    fn wait(&mut self, lo: f64, hi: f64) {
        self.t += hours(self.rng, lo, hi);
    }

    /// `command` by `actor` at the story's clock; false when refused or in the future.
    fn act(&mut self, actor: &Actor, command: Command) -> bool {
        self.act_at(actor, self.t, command)
    }

    fn act_at(&mut self, actor: &Actor, at: DateTime<Utc>, command: Command) -> bool {
        self.world
            .step(self.appeal, self.events, actor, at, command)
    }

    /// The station's answer: 2% are not for it at all; the rest are accepted, most well
    /// inside the respond limit, some late. False when the story ends here.
    fn receive(&mut self) -> bool {
        let station = &self.cast.station;
        if self.rng.gen_bool(0.02) {
            self.wait(0.5, 6.0);
            let reason = "不属于本站受理范围，已告知诉求人向相关部门反映。".into();
            self.act(station, Command::Reject { reason });
            return false;
        }
        if self.rng.gen_bool(0.93) {
            self.wait(0.1, 6.0);
        } else {
            self.wait(20.0, 60.0);
        }
        let note = Some("已受理，已联系诉求人。".into());
        self.act(station, Command::Accept { note })
    }

    /// Who handles it: the station itself, a department, the street, or a volunteer.
    fn route(&mut self) -> &'a Actor {
        let cast = self.cast;
        let station = &cast.station;
        let route: f64 = self.rng.gen();
        if route < 0.25 && !cast.departments.is_empty() {
            let (dept, liaison) = &cast.departments[self.rng.gen_range(0..cast.departments.len())];
            self.wait(0.5, 8.0);
            let note = "超出本站处置能力，转相关部门办理。".into();
            let department_id = *dept;
            if self.act(
                station,
                Command::Refer {
                    department_id,
                    note,
                },
            ) {
                return liaison;
            }
        } else if route < 0.30 {
            self.wait(1.0, 24.0);
            let note = "涉及多个居民区，需街道协调，上报街道。".into();
            if self.act(station, Command::Escalate { note }) {
                return &cast.street;
            }
        } else if route < 0.40 {
            if let Some(v) = &cast.volunteer {
                self.wait(0.5, 4.0);
                let cmd = Command::Assign {
                    user_id: Some(v.user_id),
                    team_id: None,
                    note: Some("请志愿者上门了解情况。".into()),
                };
                if self.act(station, cmd) {
                    return v;
                }
            }
        }
        station
    }

    /// The handler's progress notes; now and then the street presses (督办) or an extension
    /// is asked for.
    fn work(&mut self, handler: &Actor) {
        for _ in 0..self.rng.gen_range(0..3) {
            self.wait(2.0, 48.0);
            let note = PROGRESS_NOTES[self.rng.gen_range(0..PROGRESS_NOTES.len())].into();
            self.act(handler, Command::Progress { note });
        }
        if self.rng.gen_bool(0.05) {
            // Pressed at some time after the last note; the story's clock stays.
            let at = self.t + hours(self.rng, 1.0, 24.0);
            let note = "请抓紧办理，按期答复群众。".into();
            self.act_at(&self.cast.street, at, Command::Supervise { note });
        }
        if self.rng.gen_bool(0.04) {
            self.extend(handler);
        }
    }

    /// An extension asked for by the handler and decided by the street, mostly approved.
    fn extend(&mut self, handler: &Actor) {
        self.wait(1.0, 12.0);
        let days = self.rng.gen_range(3..10);
        let reason = "需等待维修配件到货。".into();
        if !self.act(handler, Command::Extend { days, reason }) {
            return;
        }
        self.wait(1.0, 20.0);
        let approve = self.rng.gen_bool(0.85);
        let reason = (!approve).then(|| "理由不充分，请按期办结。".to_string());
        self.act(
            &self.cast.street,
            Command::ExtendApprove { approve, reason },
        );
    }

    /// Resolution by the handler: mostly on time (the limit is working days; approximated
    /// with clock days). The resolution when it was resolved.
    fn resolve(&mut self, handler: &Actor) -> Option<Resolution> {
        let limit = self
            .appeal
            .resolve_by
            .map(|by| by - self.t)
            .unwrap_or(Duration::days(3));
        let budget = limit.num_minutes().max(60) as f64 / 60.0;
        if self.rng.gen_bool(0.90) {
            self.wait(1.0, budget.max(1.5) * 0.9);
        } else {
            self.wait(budget, budget * 2.0 + 24.0);
        }
        let resolution = match self.rng.gen_range(0..10) {
            0..=6 => Resolution::Solved,
            7..=8 => Resolution::PartlySolved,
            _ => Resolution::Explained,
        };
        let note = RESOLVE_NOTES[self.rng.gen_range(0..RESOLVE_NOTES.len())].into();
        self.act(handler, Command::Resolve { resolution, note })
            .then_some(resolution)
    }

    /// The station tells the appellant, then follows up (up to three calls); a reopened
    /// appeal is resolved again and its loop closed once more.
    fn close_loop(&mut self, resolution: Resolution) {
        let station = &self.cast.station;
        self.wait(0.5, 24.0);
        let note = "已将办理结果告知诉求人。".into();
        let channel = FeedbackChannel::Phone;
        if !self.act(station, Command::Feedback { channel, note }) {
            return;
        }
        for _ in 0..3 {
            self.wait(24.0, 72.0);
            let (satisfaction, solved) = answer(self.rng, resolution);
            let reopen = satisfaction == Satisfaction::Dissatisfied && self.rng.gen_bool(0.4);
            let cmd = Command::FollowUp {
                satisfaction,
                solved,
                note: None,
                reopen,
            };
            if !self.act(station, cmd) {
                return;
            }
            if self.appeal.status != Status::Resolved {
                break;
            }
        }
        if self.appeal.status == Status::InProgress && self.appeal.reopen_count > 0 {
            self.wait(24.0, 96.0);
            let note = "重新办理后问题已解决。".into();
            let resolution = Resolution::Solved;
            if self.act(station, Command::Resolve { resolution, note }) {
                self.close_loop(resolution);
            }
        }
    }
}

/// The appellant's answer to a follow-up call: satisfaction, and whether it was solved.
fn answer(rng: &mut impl Rng, resolution: Resolution) -> (Satisfaction, Option<bool>) {
    let roll: f64 = rng.gen();
    if roll < 0.05 {
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
    }
}
