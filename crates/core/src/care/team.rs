//! Service teams (组团式服务): who may be a member, which blocks of households a team may
//! look after, as decide → event → apply.
//!
//! A team works at a node (its community). Its members are users working at that node,
//! above it or below it, or people registered under it (party members without an
//! account); each is a member once. Its blocks are grids or building groups strictly below
//! the node, or the households of one building (an address prefix) as the register writes
//! it. The store loads the team and the facts a command names, asks [`decide`], and
//! writes the event; [`apply`] is what the write does to the team.

use crate::error::{FieldError, Msg, ORG_UNIT_UNKNOWN};
use crate::msg;
use crate::org::{in_subtree, is_strict_ancestor};
use crate::Id;

use super::{block_matches, Refusal};

/// Longest address prefix of a block.
pub const MAX_PREFIX_CHARS: usize = 100;

/// Who joins a team or is paired: a user or a person on the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Partner {
    User(Id),
    Person(Id),
}

/// What a block is, as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockOf {
    Node(Id),
    Address(String),
}

/// A block a team holds: a node's subtree, narrowed to an address prefix when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub org_unit_id: Option<Id>,
    /// The subtree the block covers: the node's path, or the team's for an address.
    pub path: String,
    pub address_prefix: Option<String>,
}

/// A team as its rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: Id,
    pub org_unit_id: Id,
    /// The path of the team's node.
    pub path: String,
    pub members: Vec<Partner>,
    pub blocks: Vec<Block>,
}

/// A node or a partner a command names, as the store found it (`None`: unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: Id,
    /// A node's path; a user's node's path; a person's registered path.
    pub path: String,
}

/// What the keeper of a team asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `who` joins; `found` is where they work or live, `None` when unknown.
    AddMember { who: Partner, found: Option<Found> },
    /// A grid or building group below the team's node (`None`: unknown node).
    AddNode { node: Option<Found> },
    /// The households whose address starts with `prefix`.
    AddAddress { prefix: String },
}

/// What happened to the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    MemberAdded(Partner),
    BlockAdded(Block),
}

const TEAM_NAME_EMPTY: Msg = msg!("org_name_empty", "请填写名称", "Enter the name");
const PARTNER_UNKNOWN: Msg = msg!("partner_unknown", "不存在", "Does not exist");
const NOT_IN_TEAM_COMMUNITY: Msg = msg!(
    "not_in_team_community",
    "不属于本团队所在的社区",
    "Not in the team's community"
);
/// Said of a member added twice (also by the store, should two writers race past the rule).
pub const ALREADY_MEMBER: Msg = msg!(
    "already_member",
    "已是团队成员",
    "Already a member of the team"
);
const BLOCK_NOT_IN_COMMUNITY: Msg = msg!(
    "block_not_in_community",
    "应为本团队所在社区下的楼组或网格",
    "A building group or grid in the team's community"
);
const ADDRESS_PREFIX_LENGTH: Msg = msg!(
    "address_prefix_length",
    "请填写地址（最多 {max} 个字），如「佛字桥小区1号」",
    "Enter the address (at most {max} characters), such as \"Fozi Bridge Estate No. 1\""
);
const BLOCK_MATCHES_NOBODY: Msg = msg!(
    "block_matches_nobody",
    "登记册中没有以此开头的地址：请从列表中选择楼栋（按登记册的写法，如「佛字桥小区3号楼」）",
    "No address on the register starts with this: choose a building from the list (as the register writes it)"
);

/// A new team's name (trimmed) and node: a name is required, and the node is one the
/// creator works at or below (`node_path`: `None` when unknown). Every fault at once.
pub fn check_new(
    name: &str,
    creator_path: &str,
    node_path: Option<&str>,
) -> Result<String, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !node_path.is_some_and(|p| in_subtree(creator_path, p)) {
        errors.push(FieldError::new("org_unit_id", &ORG_UNIT_UNKNOWN));
    }
    let name = name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", &TEAM_NAME_EMPTY));
    }
    if errors.is_empty() {
        Ok(name.to_string())
    } else {
        Err(errors)
    }
}

/// The field a partner is named by.
fn field_of(who: Partner) -> &'static str {
    match who {
        Partner::User(_) => "user_id",
        Partner::Person(_) => "person_id",
    }
}

/// Whether `who`, found at `path`, may join a team at `team_path`: a user working at the
/// team's node, above or below it; a person registered under it.
pub fn member_fits(who: Partner, path: &str, team_path: &str) -> bool {
    match who {
        Partner::User(_) => in_subtree(path, team_path) || in_subtree(team_path, path),
        Partner::Person(_) => in_subtree(team_path, path),
    }
}

/// An address prefix as a block holds it (trimmed), or why not.
pub fn check_prefix(prefix: &str) -> Result<String, FieldError> {
    let prefix = prefix.trim();
    let n = prefix.chars().count();
    if n == 0 || n > MAX_PREFIX_CHARS {
        return Err(
            FieldError::new("address_prefix", &ADDRESS_PREFIX_LENGTH).with("max", MAX_PREFIX_CHARS)
        );
    }
    Ok(prefix.to_string())
}

/// A block by address holds the households whose address starts with it: one that matches
/// no address on the team's register would hold nobody, so it is picked from the
/// buildings as the register writes them (`register`: the addresses under the team's node).
pub fn on_register<'a>(
    prefix: &str,
    register: impl IntoIterator<Item = &'a str>,
) -> Result<(), FieldError> {
    if block_matches(prefix, register) {
        Ok(())
    } else {
        Err(FieldError::new("address_prefix", &BLOCK_MATCHES_NOBODY))
    }
}

/// Decides a command on `team`: the event, or why not.
pub fn decide(team: &Team, command: &Command) -> Result<Event, Refusal> {
    match command {
        Command::AddMember { who, found } => {
            let field = field_of(*who);
            let found = found
                .as_ref()
                .ok_or_else(|| Refusal::Invalid(FieldError::new(field, &PARTNER_UNKNOWN)))?;
            if !member_fits(*who, &found.path, &team.path) {
                return Err(Refusal::Invalid(FieldError::new(
                    field,
                    &NOT_IN_TEAM_COMMUNITY,
                )));
            }
            if team.members.contains(who) {
                return Err(Refusal::Conflict(FieldError::new(field, &ALREADY_MEMBER)));
            }
            Ok(Event::MemberAdded(*who))
        }
        Command::AddNode { node } => match node {
            Some(n) if is_strict_ancestor(&team.path, &n.path) => Ok(Event::BlockAdded(Block {
                org_unit_id: Some(n.id),
                path: n.path.clone(),
                address_prefix: None,
            })),
            _ => Err(Refusal::Invalid(FieldError::new(
                "org_unit_id",
                &BLOCK_NOT_IN_COMMUNITY,
            ))),
        },
        Command::AddAddress { prefix } => {
            let prefix = check_prefix(prefix).map_err(Refusal::Invalid)?;
            Ok(Event::BlockAdded(Block {
                org_unit_id: None,
                path: team.path.clone(),
                address_prefix: Some(prefix),
            }))
        }
    }
}

/// The team after `event`.
pub fn apply(team: &mut Team, event: &Event) {
    match event {
        Event::MemberAdded(who) => team.members.push(*who),
        Event::BlockAdded(block) => team.blocks.push(block.clone()),
    }
}

#[cfg(test)]
#[path = "team_tests.rs"]
mod tests;
