//! Service teams (组团式服务): members and the blocks of households each looks after, with
//! household coverage; and pairings (结对) with their contact log.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use suqiu_core::care::household;
use suqiu_core::care::team::{self, decide, Block, Command, Found, ALREADY_MEMBER};

use chrono::{NaiveDate, TimeDelta, Utc};
use suqiu_core::access::{Actor, Role};
use suqiu_core::care::Coverage;
use suqiu_core::org::in_subtree;
use suqiu_core::vocabulary;
use suqiu_core::Id;

use crate::care::day_start;
use crate::error::{Result, StoreError};
use crate::org::Team;
use crate::scope::subtree_range;
use crate::sql::{get, like_escape, ms, write_error, Args};
use crate::{scope, Store};

mod pairings;

pub use pairings::{Contact, Pairing};

pub use suqiu_core::care::pairing::MAX_CONTACT_CHARS;
pub use suqiu_core::care::team::{BlockOf, Partner, MAX_PREFIX_CHARS};

const MEMBER_SELECT: &str = "SELECT m.id, m.user_id, m.person_id, COALESCE(u.display_name, p.name, '') AS name, u.role \
     FROM team_members m LEFT JOIN users u ON u.id = m.user_id LEFT JOIN people p ON p.id = m.person_id";

const BLOCK_SELECT: &str = "SELECT b.id, b.org_unit_id, o.name AS org_unit_name, b.address_prefix \
     FROM team_blocks b LEFT JOIN org_units o ON o.id = b.org_unit_id";

fn member_from(r: &AnyRow) -> Result<TeamMember> {
    let role: Option<String> = get(r, "role")?;
    Ok(TeamMember {
        id: get(r, "id")?,
        user_id: get(r, "user_id")?,
        person_id: get(r, "person_id")?,
        name: get(r, "name")?,
        role: role.as_deref().and_then(Role::parse),
    })
}

fn block_from(r: &AnyRow) -> Result<TeamBlock> {
    Ok(TeamBlock {
        id: get(r, "id")?,
        org_unit_id: get(r, "org_unit_id")?,
        org_unit_name: get(r, "org_unit_name")?,
        address_prefix: get(r, "address_prefix")?,
    })
}

/// A team member: a user (staff, volunteer) or a person on the register (a party member
/// without an account).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamMember {
    pub id: Id,
    pub user_id: Option<Id>,
    pub person_id: Option<Id>,
    pub name: String,
    /// The user's role; `None` for a person.
    pub role: Option<Role>,
}

/// A block of households: a node below the team's community, or an address prefix in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamBlock {
    pub id: Id,
    pub org_unit_id: Option<Id>,
    pub org_unit_name: Option<String>,
    pub address_prefix: Option<String>,
}

/// A team with its members and blocks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamDetail {
    pub team: Team,
    pub members: Vec<TeamMember>,
    pub blocks: Vec<TeamBlock>,
}

vocabulary!(
    /// How a pairing partner kept in touch.
    ContactMode {
        Home = "home" / "上门",
        Phone = "phone" / "电话",
        Other = "other" / "其他",
    }
);

/// Households a team's blocks hold and how many were visited in a period. A household is
/// the people of one node sharing an address; someone without an address is one alone.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TeamCoverage {
    pub team_id: Id,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub households: Coverage,
}

impl Store {
    /// The teams the actor may see under node `org_unit_id` (staff and auditors: teams whose
    /// node is in that subtree and theirs; a volunteer: the teams it belongs to), with
    /// members and blocks. `NotFound` for an unknown or out-of-scope node.
    pub async fn team_details(&self, actor: &Actor, org_unit_id: Id) -> Result<Vec<TeamDetail>> {
        let unit = self
            .org_unit(org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let subtree_role = scope::is_subtree_role(actor.role);
        if subtree_role && !in_subtree(&actor.org_path, &unit.path) {
            return Err(StoreError::NotFound);
        }
        let mut a = Args::default();
        let mut conds = vec![scope::in_subtree("o.path", &unit.path, &mut a)];
        match actor.role {
            Role::Volunteer => conds.push(format!(
                "t.id IN (SELECT team_id FROM team_members WHERE user_id = {})",
                a.push(actor.user_id)
            )),
            Role::DepartmentLiaison => return Ok(Vec::new()),
            _ => {}
        }
        let sql = format!(
            "SELECT t.id, t.org_unit_id, t.name FROM teams t JOIN org_units o ON o.id = t.org_unit_id \
             WHERE {} ORDER BY t.id",
            conds.join(" AND ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let team = Team {
                id: get(r, "id")?,
                org_unit_id: get(r, "org_unit_id")?,
                name: get(r, "name")?,
            };
            out.push(self.team_parts(team).await?);
        }
        Ok(out)
    }

    /// One team with members and blocks, if the actor may see it.
    pub async fn team_detail(&self, actor: &Actor, team_id: Id) -> Result<Option<TeamDetail>> {
        let Some(team) = self.team(team_id).await? else {
            return Ok(None);
        };
        let Some(unit) = self.org_unit(team.org_unit_id).await? else {
            return Ok(None);
        };
        let detail = self.team_parts(team).await?;
        let visible = match actor.role {
            Role::DepartmentLiaison => false,
            Role::Volunteer => detail
                .members
                .iter()
                .any(|m| m.user_id == Some(actor.user_id)),
            _ => in_subtree(&actor.org_path, &unit.path),
        };
        Ok(visible.then_some(detail))
    }

    async fn team_parts(&self, team: Team) -> Result<TeamDetail> {
        let rows = sqlx::query(&format!(
            "{MEMBER_SELECT} WHERE m.team_id = $1 ORDER BY m.id"
        ))
        .bind(team.id)
        .fetch_all(&self.pool)
        .await?;
        let members = rows.iter().map(member_from).collect::<Result<Vec<_>>>()?;
        let rows = sqlx::query(&format!(
            "{BLOCK_SELECT} WHERE b.team_id = $1 ORDER BY b.id"
        ))
        .bind(team.id)
        .fetch_all(&self.pool)
        .await?;
        let blocks = rows.iter().map(block_from).collect::<Result<Vec<_>>>()?;
        Ok(TeamDetail {
            team,
            members,
            blocks,
        })
    }

    /// Adds a member, by `suqiu_core::care::team`'s rules: a user working at the team's
    /// node, above it or below it; a person registered under it; each once.
    /// `Invalid{field:"user_id"|"person_id"}` otherwise, `Conflict` when already a member.
    pub async fn add_team_member(&self, team: &Team, who: Partner) -> Result<TeamMember> {
        let state = self.team_state(team).await?;
        let (id, sql) = match who {
            Partner::User(id) => (
                id,
                "SELECT o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = $1",
            ),
            Partner::Person(id) => (id, "SELECT p.org_path AS path FROM people p WHERE p.id = $1"),
        };
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        let found = match row {
            Some(r) => Some(Found {
                id,
                path: get(&r, "path")?,
            }),
            None => None,
        };
        let event = decide(&state, &Command::AddMember { who, found })?;
        let id = self.record(team.id, &event).await?;
        let row = sqlx::query(&format!("{MEMBER_SELECT} WHERE m.id = $1"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        member_from(&row)
    }

    /// Adds a block, by `suqiu_core::care::team`'s rules: a node strictly below the team's
    /// node, or an address prefix inside it. `Invalid{field:"org_unit_id"|"address_prefix"}`
    /// otherwise.
    pub async fn add_team_block(&self, team: &Team, block: &BlockOf) -> Result<TeamBlock> {
        let state = self.team_state(team).await?;
        let command = match block {
            BlockOf::Node(id) => Command::AddNode {
                node: self.org_unit(*id).await?.map(|n| Found {
                    id: n.id,
                    path: n.path,
                }),
            },
            BlockOf::Address(prefix) => Command::AddAddress {
                prefix: prefix.clone(),
            },
        };
        let event = decide(&state, &command)?;
        let id = self.record(team.id, &event).await?;
        let row = sqlx::query(&format!("{BLOCK_SELECT} WHERE b.id = $1"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        block_from(&row)
    }

    /// A team as core's rules see it: its node's path, its members and its blocks.
    async fn team_state(&self, team: &Team) -> Result<team::Team> {
        let unit = self
            .org_unit(team.org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let rows = sqlx::query("SELECT user_id, person_id FROM team_members WHERE team_id = $1")
            .bind(team.id)
            .fetch_all(&self.pool)
            .await?;
        let members = rows
            .iter()
            .map(|r| match (get(r, "user_id")?, get(r, "person_id")?) {
                (Some(u), _) => Ok(Partner::User(u)),
                (None, Some(p)) => Ok(Partner::Person(p)),
                (None, None) => Err(StoreError::Corrupt(format!(
                    "team {} has a member who is no one",
                    team.id
                ))),
            })
            .collect::<Result<Vec<_>>>()?;
        let rows = sqlx::query(
            "SELECT org_unit_id, path_lo, address_prefix FROM team_blocks WHERE team_id = $1",
        )
        .bind(team.id)
        .fetch_all(&self.pool)
        .await?;
        let blocks = rows
            .iter()
            .map(|r| {
                Ok(Block {
                    org_unit_id: get(r, "org_unit_id")?,
                    path: get(r, "path_lo")?,
                    address_prefix: get(r, "address_prefix")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(team::Team {
            id: team.id,
            org_unit_id: team.org_unit_id,
            path: unit.path,
            members,
            blocks,
        })
    }

    /// Writes what core decided on team `team_id`; the new row's id. The unique index on
    /// members stays the last line should two writers add the same member at once.
    async fn record(&self, team_id: Id, event: &team::Event) -> Result<Id> {
        let row = match event {
            team::Event::MemberAdded(who) => {
                let (user_id, person_id, field) = match *who {
                    Partner::User(id) => (Some(id), None, "user_id"),
                    Partner::Person(id) => (None, Some(id), "person_id"),
                };
                sqlx::query(
                    "INSERT INTO team_members (team_id, user_id, person_id, added_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(team_id)
                .bind(user_id)
                .bind(person_id)
                .bind(ms(Utc::now()))
                .fetch_one(self.writer.pool()?)
                .await
                .map_err(|e| write_error(e, field, &ALREADY_MEMBER))?
            }
            team::Event::BlockAdded(block) => {
                let (lo, hi) = subtree_range(&block.path);
                let like = block
                    .address_prefix
                    .as_deref()
                    .map(|p| format!("{}%", like_escape(p)));
                sqlx::query(
                    "INSERT INTO team_blocks (team_id, org_unit_id, address_prefix, path_lo, path_hi, address_like, added_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(team_id)
                .bind(block.org_unit_id)
                .bind(block.address_prefix.as_deref())
                .bind(lo)
                .bind(hi)
                .bind(like)
                .bind(ms(Utc::now()))
                .fetch_one(self.writer.pool()?)
                .await?
            }
        };
        get(&row, "id")
    }

    /// Households in the team's blocks, and how many had a visit in the days `from..=to`
    /// (Shanghai). Every household counts, not only people in care: a team visits them all.
    pub async fn team_coverage(
        &self,
        team_id: Id,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<TeamCoverage> {
        let mut a = Args::default();
        let blocks = scope::in_team_blocks(&a.push(team_id));
        let sql = format!(
            "SELECT p.id, p.org_unit_id, p.address, \
             (SELECT COUNT(*) FROM visits v WHERE v.person_id = p.id AND v.visited_at >= {} AND v.visited_at < {}) AS visits \
             FROM people p WHERE {blocks}",
            a.push(ms(day_start(from))),
            a.push(ms(day_start(to) + TimeDelta::days(1)))
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let mut households: HashMap<(Id, String), bool> = HashMap::new();
        for r in &rows {
            let id: Id = get(r, "id")?;
            let address: Option<String> = get(r, "address")?;
            let key = household(get(r, "org_unit_id")?, address.as_deref(), id);
            let visited = get::<i64>(r, "visits")? > 0;
            *households.entry(key).or_default() |= visited;
        }
        let visited = households.values().filter(|v| **v).count() as i64;
        Ok(TeamCoverage {
            team_id,
            from,
            to,
            households: Coverage::new(households.len() as i64, visited),
        })
    }
}
