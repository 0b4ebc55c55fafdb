//! People in the station's register: appellants, party members, people in care.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::msg;
use crate::validate::{
    birth_date_from_id, gender_from_id, validate_id_number_as_of, validate_phone,
};
use crate::vocabulary;
use crate::Id;

vocabulary!(
    /// Care tags: they drive visits and priority (DOMAIN.md, People).
    CareTag {
        ElderlyMember = "elderly_member" / "老年党员",
        Aged80Plus = "aged_80_plus" / "高龄",
        LivingAlone = "living_alone" / "独居老人",
        ChildlessElderly = "childless_elderly" / "孤老",
        NeedyMember = "needy_member" / "困难党员",
        NeedyResident = "needy_resident" / "困难群众",
        SubsistenceAllowance = "subsistence_allowance" / "低保",
        Disabled = "disabled" / "残疾",
        SeriousIllness = "serious_illness" / "大病重病",
        Unemployed = "unemployed" / "下岗失业",
    }
);

vocabulary!(
    /// How a party member belongs here.
    PartyCategory {
        Registered = "registered" / "在册",
        InService = "in_service" / "在职报到",
        NewOrg = "new_org" / "两新组织",
        Floating = "floating" / "流动",
    }
);

vocabulary!(
    Gender {
        Male = "male" / "男",
        Female = "female" / "女",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyProfile {
    pub category: PartyCategory,
    pub joined_on: Option<NaiveDate>,
    /// The branch (党支部) the member belongs to, free text.
    pub branch: Option<String>,
}

/// A person as stored. Phone and ID number are the full values; masking happens on the way
/// out, according to the reader's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: Id,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub org_unit_id: Id,
    pub address: Option<String>,
    pub tags: Vec<CareTag>,
    pub party: Option<PartyProfile>,
}

/// Longest name, address and branch a person may have.
pub const MAX_NAME: usize = 50;
pub const MAX_ADDRESS: usize = 200;
pub const MAX_BRANCH: usize = 100;

/// The fields of a person as typed, before validation: what the API's create and update,
/// the web form and a roster import all check the same way. The node is only carried
/// here; whether it exists and lies in the caller's scope is the caller's to check (it
/// needs the organization tree).
#[derive(Debug, Clone, Default)]
pub struct PersonDraft {
    pub name: String,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub org_unit_id: Id,
    pub address: Option<String>,
    /// Care-tag codes as given; unknown codes are errors.
    pub tags: Vec<String>,
    pub party: Option<PartyProfile>,
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl PersonDraft {
    /// Validates and normalizes the draft into a person (id 0), naming every field at
    /// fault. Gender and birth date come from the ID number when not given, and must
    /// agree with it when they are; no date may lie after `today`.
    pub fn validate(self, today: NaiveDate) -> Result<Person, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new("name", &crate::error::NAME_EMPTY));
        } else if name.chars().count() > MAX_NAME {
            errors.push(
                FieldError::new(
                    "name",
                    &msg!(
                        "name_too_long",
                        "姓名最多 {max} 个字",
                        "A name has at most {max} characters"
                    ),
                )
                .with("max", MAX_NAME),
            );
        }
        let mut checked = |v: Option<String>, f: &dyn Fn(&str) -> Result<String, FieldError>| {
            non_empty(v).and_then(|v| f(&v).map_err(|e| errors.push(e)).ok())
        };
        let phone = checked(self.phone, &validate_phone);
        let id_number = checked(self.id_number, &|v| validate_id_number_as_of(v, today));
        let id_birth = id_number.as_deref().and_then(birth_date_from_id);
        let id_gender = id_number.as_deref().and_then(gender_from_id);
        let birth_date = checked_birth_date(self.birth_date, id_birth, today, &mut errors);
        let gender = checked_gender(self.gender, id_gender, &mut errors);
        let address = non_empty(self.address);
        if address
            .as_ref()
            .is_some_and(|a| a.chars().count() > MAX_ADDRESS)
        {
            errors.push(
                FieldError::new(
                    "address",
                    &msg!(
                        "address_too_long",
                        "地址最多 {max} 个字",
                        "An address has at most {max} characters"
                    ),
                )
                .with("max", MAX_ADDRESS),
            );
        }
        let tags = checked_tags(&self.tags, &mut errors);
        let party = self.party.map(|p| PartyProfile {
            branch: non_empty(p.branch),
            ..p
        });
        if let Some(p) = &party {
            check_party(p, today, &mut errors);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Person {
            id: 0,
            name,
            gender,
            birth_date,
            phone,
            id_number,
            org_unit_id: self.org_unit_id,
            address,
            tags,
            party,
        })
    }
}

/// The birth date given, or the ID number's; it must agree with the ID number and not lie
/// after `today`.
fn checked_birth_date(
    given: Option<NaiveDate>,
    from_id: Option<NaiveDate>,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    match (given, from_id) {
        (Some(given), Some(from_id)) if given != from_id => {
            let error = FieldError::new(
                "birth_date",
                &msg!(
                    "birth_date_differs_from_id",
                    "出生日期与身份证号不一致（身份证号中为 {date}）",
                    "The birth date differs from the ID number's ({date})",
                ),
            );
            errors.push(error.with("date", from_id));
            None
        }
        (Some(given), _) if given > today => {
            errors.push(FieldError::new(
                "birth_date",
                &msg!(
                    "birth_date_future",
                    "出生日期不能晚于今天",
                    "The birth date cannot be after today"
                ),
            ));
            None
        }
        (given, from_id) => given.or(from_id),
    }
}

/// The gender given, or the ID number's; it must agree with the ID number.
fn checked_gender(
    given: Option<Gender>,
    from_id: Option<Gender>,
    errors: &mut Vec<FieldError>,
) -> Option<Gender> {
    match (given, from_id) {
        (Some(given), Some(from_id)) if given != from_id => {
            let error = FieldError::new(
                "gender",
                &msg!(
                    "gender_differs_from_id",
                    "性别与身份证号不一致（身份证号中为{gender}）",
                    "The gender differs from the ID number's ({gender})",
                ),
            );
            errors.push(error.with_words("gender", from_id.label_zh(), from_id.code()));
            None
        }
        (given, from_id) => given.or(from_id),
    }
}

/// Known care tags by code, each once.
fn checked_tags(codes: &[String], errors: &mut Vec<FieldError>) -> Vec<CareTag> {
    let mut tags: Vec<CareTag> = Vec::new();
    for t in codes {
        match CareTag::parse(t.trim()) {
            Some(tag) if !tags.contains(&tag) => tags.push(tag),
            Some(_) => {}
            None => errors.push(
                FieldError::new(
                    "tags",
                    &msg!(
                        "tag_unknown",
                        "未知的标签「{value}」，可选：{options}",
                        "Unknown tag {value}; one of: {options}"
                    ),
                )
                .with("value", t.chars().take(40).collect::<String>())
                .with("options", CareTag::codes().replace('|', ", ")),
            ),
        }
    }
    tags
}

fn check_party(p: &PartyProfile, today: NaiveDate, errors: &mut Vec<FieldError>) {
    if p.joined_on.is_some_and(|j| j > today) {
        errors.push(FieldError::new(
            "party.joined_on",
            &msg!(
                "party_joined_future",
                "入党日期不能晚于今天",
                "The joining date cannot be after today"
            ),
        ));
    }
    if p.branch
        .as_ref()
        .is_some_and(|b| b.chars().count() > MAX_BRANCH)
    {
        let error = FieldError::new(
            "party.branch",
            &msg!(
                "branch_too_long",
                "所属支部最多 {max} 个字",
                "A branch has at most {max} characters"
            ),
        );
        errors.push(error.with("max", MAX_BRANCH));
    }
}
