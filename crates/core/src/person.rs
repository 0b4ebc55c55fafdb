//! People in the station's register: appellants, party members, people in care.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
