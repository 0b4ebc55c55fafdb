//! Service teams (组团式服务): members and the blocks of households each looks after, with
//! household coverage; and pairings (结对) with their contact log.

use std::collections::HashMap;
use suqiu_core::error::FieldError;
use suqiu_core::msg;

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
use crate::sql::{get, invalid, like_escape, ms, write_error, Args};
use crate::{scope, Store};

mod pairings;

pub use pairings::{Contact, Pairing};

/// Longest address prefix of a block, pairing note and contact note.
pub const MAX_PREFIX_CHARS: usize = 100;
pub const MAX_CONTACT_CHARS: usize = 2000;

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

/// Who joins a team or is paired: a user or a person on the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partner {
    User(Id),
    Person(Id),
}

/// What a block is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockOf {
    Node(Id),
    Address(String),
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
        let rows = sqlx::query(
            "SELECT m.id, m.user_id, m.person_id, COALESCE(u.display_name, p.name, '') AS name, u.role \
             FROM team_members m LEFT JOIN users u ON u.id = m.user_id LEFT JOIN people p ON p.id = m.person_id \
             WHERE m.team_id = $1 ORDER BY m.id",
        )
        .bind(team.id)
        .fetch_all(&self.pool)
        .await?;
        let members = rows
            .iter()
            .map(|r| {
                let role: Option<String> = get(r, "role")?;
                Ok(TeamMember {
                    id: get(r, "id")?,
                    user_id: get(r, "user_id")?,
                    person_id: get(r, "person_id")?,
                    name: get(r, "name")?,
                    role: role.as_deref().and_then(Role::parse),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let rows = sqlx::query(
            "SELECT b.id, b.org_unit_id, o.name AS org_unit_name, b.address_prefix \
             FROM team_blocks b LEFT JOIN org_units o ON o.id = b.org_unit_id \
             WHERE b.team_id = $1 ORDER BY b.id",
        )
        .bind(team.id)
        .fetch_all(&self.pool)
        .await?;
        let blocks = rows
            .iter()
            .map(|r| {
                Ok(TeamBlock {
                    id: get(r, "id")?,
                    org_unit_id: get(r, "org_unit_id")?,
                    org_unit_name: get(r, "org_unit_name")?,
                    address_prefix: get(r, "address_prefix")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TeamDetail {
            team,
            members,
            blocks,
        })
    }

    /// Adds a member. A user must work at the team's node, above it or below it; a person
    /// must be registered under the team's node. `Invalid{field:"user_id"|"person_id"}`
    /// otherwise, `Conflict` when already a member.
    pub async fn add_team_member(&self, team: &Team, who: Partner) -> Result<TeamMember> {
        let unit = self
            .org_unit(team.org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (field, sql) = match who {
            Partner::User(_) => (
                "user_id",
                "SELECT u.id, u.display_name AS name, u.role, o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = $1",
            ),
            Partner::Person(_) => (
                "person_id",
                "SELECT p.id, p.name, NULL AS role, p.org_path AS path FROM people p WHERE p.id = $1",
            ),
        };
        let id = match who {
            Partner::User(id) | Partner::Person(id) => id,
        };
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| invalid(field, &msg!("partner_unknown", "不存在", "Does not exist")))?;
        let path: String = get(&row, "path")?;
        let name: String = get(&row, "name")?;
        let role: Option<String> = get(&row, "role")?;
        let fits = match who {
            Partner::User(_) => in_subtree(&path, &unit.path) || in_subtree(&unit.path, &path),
            Partner::Person(_) => in_subtree(&unit.path, &path),
        };
        if !fits {
            return Err(invalid(
                field,
                &msg!(
                    "not_in_team_community",
                    "不属于本团队所在的社区",
                    "Not in the team's community"
                ),
            ));
        }
        let (user_id, person_id) = match who {
            Partner::User(id) => (Some(id), None),
            Partner::Person(id) => (None, Some(id)),
        };
        let row = sqlx::query(
            "INSERT INTO team_members (team_id, user_id, person_id, added_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(team.id)
        .bind(user_id)
        .bind(person_id)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await
        .map_err(|e| write_error(e, field, &msg!("already_member", "已是团队成员", "Already a member of the team")))?;
        Ok(TeamMember {
            id: get(&row, "id")?,
            user_id,
            person_id,
            name,
            role: role.as_deref().and_then(Role::parse),
        })
    }

    /// Adds a block: a node strictly below the team's node, or an address prefix inside it.
    /// `Invalid{field:"org_unit_id"|"address_prefix"}` otherwise.
    pub async fn add_team_block(&self, team: &Team, block: &BlockOf) -> Result<TeamBlock> {
        let unit = self
            .org_unit(team.org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (org_unit, prefix, path, like) = match block {
            BlockOf::Node(id) => {
                let node = self
                    .org_unit(*id)
                    .await?
                    .filter(|n| n.id != unit.id && in_subtree(&unit.path, &n.path))
                    .ok_or_else(|| {
                        invalid(
                            "org_unit_id",
                            &msg!(
                                "block_not_in_community",
                                "应为本团队所在社区下的楼组或网格",
                                "A building group or grid in the team's community"
                            ),
                        )
                    })?;
                (Some(node.id), None, node.path, None)
            }
            BlockOf::Address(prefix) => {
                let prefix = prefix.trim();
                let n = prefix.chars().count();
                if n == 0 || n > MAX_PREFIX_CHARS {
                    return Err(StoreError::Invalid(
                        FieldError::new(
                            "address_prefix",
                            &msg!(
                                "address_prefix_length",
                                "请填写地址（最多 {max} 个字），如「佛字桥小区1号」",
                                "Enter the address (at most {max} characters), such as \"Fozi Bridge Estate No. 1\""
                            ),
                        )
                        .with("max", MAX_PREFIX_CHARS),
                    ));
                }
                (
                    None,
                    Some(prefix.to_string()),
                    unit.path.clone(),
                    Some(format!("{}%", like_escape(prefix))),
                )
            }
        };
        let (lo, hi) = subtree_range(&path);
        let row = sqlx::query(
            "INSERT INTO team_blocks (team_id, org_unit_id, address_prefix, path_lo, path_hi, address_like, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(team.id)
        .bind(org_unit)
        .bind(prefix.as_deref())
        .bind(lo)
        .bind(hi)
        .bind(like)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await?;
        let org_unit_name = match org_unit {
            Some(id) => self.org_unit(id).await?.map(|u| u.name),
            None => None,
        };
        Ok(TeamBlock {
            id: get(&row, "id")?,
            org_unit_id: org_unit,
            org_unit_name,
            address_prefix: prefix,
        })
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
            let key = (
                get::<Id>(r, "org_unit_id")?,
                address
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| format!("#{id}")),
            );
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
