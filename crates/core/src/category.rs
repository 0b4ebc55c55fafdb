//! The category taxonomy of appeals: two levels, configurable per deployment.
//!
//! [`default_taxonomy`] is what a new installation starts with. First-level codes are
//! snake_case English; a second-level code is `parent.child`, so the parent can be read off
//! the code and codes stay unique across the whole taxonomy.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Msg};
use crate::msg;

/// One category. `parent_code` is `None` for a first-level category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub name: String,
    /// The name on English pages (`None`: not given yet; pages show the Chinese one).
    #[serde(default)]
    pub name_en: Option<String>,
    pub parent_code: Option<String>,
}

impl Category {
    /// The name as a page in English (`english`) or Chinese shows it.
    pub fn name_in(&self, english: bool) -> &str {
        match &self.name_en {
            Some(en) if english && !en.trim().is_empty() => en,
            _ => &self.name,
        }
    }
}

/// First level (DOMAIN.md, "The appeal"), each with its second level.
/// (code, 中文名, English name, children as (code, 中文名, English name)).
type Level = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
);

const DEFAULT: &[Level] = &[
    (
        "livelihood_aid",
        "生活帮困",
        "Livelihood aid",
        &[
            (
                "subsistence",
                "低保与社会救助",
                "Subsistence allowance and social assistance",
            ),
            ("temporary_relief", "临时救助", "Temporary relief"),
            (
                "needy_households",
                "困难家庭帮扶",
                "Help for needy households",
            ),
            (
                "disability",
                "残疾人帮扶",
                "Help for people with disabilities",
            ),
            ("housing", "住房保障", "Housing support"),
            ("education_aid", "助学帮扶", "Education aid"),
            ("errands", "代办代购", "Errands and shopping"),
        ],
    ),
    (
        "health",
        "医疗健康",
        "Health care",
        &[
            ("medical_insurance", "医保报销", "Medical insurance claims"),
            ("seeing_a_doctor", "就医协助", "Help seeing a doctor"),
            ("family_doctor", "家庭医生签约", "Family doctor sign-up"),
            ("chronic_disease", "慢病管理", "Chronic disease care"),
            ("serious_illness", "大病救助", "Serious illness aid"),
            ("public_health", "公共卫生", "Public health"),
            ("food_drug_safety", "食品药品安全", "Food and drug safety"),
        ],
    ),
    (
        "elder_care",
        "养老助老",
        "Elder care",
        &[
            ("home_care", "居家养老服务", "Home care services"),
            ("meals", "老年助餐", "Meals for the elderly"),
            ("living_alone", "独居老人关照", "Elderly living alone"),
            (
                "benefits",
                "高龄津贴与养老待遇",
                "Old-age allowances and pensions",
            ),
            ("age_friendly", "适老化改造", "Age-friendly home adaptation"),
            ("care_homes", "养老机构入住", "Care home admission"),
            ("funeral", "身后事", "Funeral arrangements"),
        ],
    ),
    (
        "emotional_support",
        "精神慰藉",
        "Emotional support",
        &[
            ("visits", "走访探望", "Visits"),
            ("counselling", "心理疏导", "Counselling"),
            ("family_relations", "家庭关系调适", "Family relations"),
            ("bereavement", "丧亲抚慰", "Bereavement support"),
            ("festival_greetings", "节日慰问", "Festival greetings"),
            (
                "cultural_life",
                "文体活动",
                "Cultural and sports activities",
            ),
        ],
    ),
    (
        "public_facilities",
        "公共设施",
        "Public facilities",
        &[
            ("roads", "道路", "Roads"),
            ("greening", "绿化", "Greenery"),
            ("water_pipes", "水管", "Water pipes"),
            ("drainage", "排水", "Drainage"),
            ("street_lights", "路灯", "Street lights"),
            ("lifts", "电梯", "Lifts"),
            ("parking", "停车", "Parking"),
            (
                "utilities",
                "水电气暖供应",
                "Water, power, gas and heating supply",
            ),
        ],
    ),
    (
        "property_management",
        "物业管理",
        "Property management",
        &[
            (
                "service_quality",
                "物业服务质量",
                "Property service quality",
            ),
            ("fees", "物业费", "Property fees"),
            ("repairs", "房屋报修", "Home repairs"),
            ("maintenance_fund", "维修资金", "Maintenance fund"),
            ("cleaning", "保洁与垃圾清运", "Cleaning and rubbish removal"),
            ("security", "门禁与安保", "Access control and security"),
            ("owners_committee", "业主委员会", "Owners' committee"),
        ],
    ),
    (
        "violations",
        "违法违规",
        "Violations",
        &[
            (
                "group_renting",
                "群租/居改非",
                "Group renting / residential misuse",
            ),
            ("illegal_building", "违章搭建", "Illegal building"),
            ("noise", "噪声扰民", "Noise nuisance"),
            (
                "occupying_public_space",
                "占道经营与乱堆物",
                "Street trading and clutter",
            ),
            ("fire_hazards", "消防隐患", "Fire hazards"),
            ("pollution", "油烟污水排放", "Cooking fumes and sewage"),
            ("unlicensed_business", "无证经营", "Unlicensed business"),
        ],
    ),
    (
        "neighbour_disputes",
        "邻里纠纷",
        "Neighbour disputes",
        &[
            ("leaks", "漏水渗水", "Leaks and seepage"),
            ("household_noise", "生活噪声", "Household noise"),
            (
                "shared_spaces",
                "楼道与公共部位占用",
                "Blocked stairwells and shared areas",
            ),
            ("renovation", "装修纠纷", "Renovation disputes"),
            ("pets", "宠物饲养", "Pets"),
            ("light_and_view", "采光遮挡", "Blocked light"),
            ("family", "家庭纠纷", "Family disputes"),
        ],
    ),
    (
        "member_rights",
        "党员权益",
        "Party members' rights",
        &[
            ("right_to_know", "知情权", "Right to know"),
            ("right_to_participate", "参与权", "Right to participate"),
            ("right_to_express", "表达权", "Right to express views"),
            ("right_to_oversee", "监督权", "Right to oversee"),
            ("transfer", "组织关系转接", "Membership transfer"),
            ("dues", "党费收缴", "Party dues"),
        ],
    ),
    (
        "organization_life",
        "组织生活",
        "Organization life",
        &[
            (
                "nearby_activities",
                "就近参加组织生活",
                "Joining activities nearby",
            ),
            (
                "in_service_registration",
                "在职党员报到",
                "In-service member registration",
            ),
            ("volunteering", "志愿服务", "Volunteering"),
            ("study", "学习教育", "Study and education"),
            ("floating_members", "流动党员管理", "Floating members"),
            ("joining", "入党申请", "Applying to join the party"),
        ],
    ),
    (
        "jobs_business",
        "就业创业",
        "Jobs and business",
        &[
            ("job_seeking", "求职就业", "Job seeking"),
            ("training", "职业技能培训", "Skills training"),
            ("wage_arrears", "欠薪讨薪", "Unpaid wages"),
            ("labour_relations", "劳动关系", "Labour relations"),
            (
                "social_insurance",
                "社保缴纳",
                "Social insurance contributions",
            ),
            ("startups", "创业扶持", "Start-up support"),
            ("flexible_work", "灵活就业", "Flexible employment"),
        ],
    ),
    (
        "suggestions",
        "意见建议",
        "Suggestions",
        &[
            ("community_governance", "社区治理", "Community governance"),
            ("public_services", "公共服务", "Public services"),
            ("planning", "规划建设", "Planning and construction"),
            ("transport", "交通出行", "Transport"),
            ("environment", "环境保护", "Environmental protection"),
            ("station_work", "诉求站工作", "The station's work"),
        ],
    ),
];

/// The category of an appeal nobody has sorted yet: one a resident brought through the
/// public door without choosing (a 12345 caller does not classify their call either; the
/// station does). Every taxonomy has it, last (the store adds it to one that lacks it).
pub const UNSORTED: &str = "unsorted";

/// [`UNSORTED`] as a taxonomy entry.
pub fn unsorted() -> Category {
    Category {
        code: UNSORTED.into(),
        name: "待分类".into(),
        name_en: Some("To be sorted".into()),
        parent_code: None,
    }
}

/// The default taxonomy: each first-level category followed by its children, in the order
/// of DOMAIN.md, and [`UNSORTED`] last.
pub fn default_taxonomy() -> Vec<Category> {
    let mut out = Vec::new();
    for (code, name, name_en, children) in DEFAULT {
        out.push(Category {
            code: (*code).into(),
            name: (*name).into(),
            name_en: Some((*name_en).into()),
            parent_code: None,
        });
        for (child, child_name, child_en) in *children {
            out.push(Category {
                code: format!("{code}.{child}"),
                name: (*child_name).into(),
                name_en: Some((*child_en).into()),
                parent_code: Some((*code).into()),
            });
        }
    }
    out.push(unsorted());
    out
}

/// `code` is a category of `taxonomy` (first or second level).
pub fn is_known(taxonomy: &[Category], code: &str) -> bool {
    taxonomy.iter().any(|c| c.code == code)
}

/// `code` is a leaf of `taxonomy`: a category no other names as its parent. Only a leaf says
/// what an appeal is about (a first level is a heading); Open311's services are the leaves.
pub fn is_leaf(taxonomy: &[Category], code: &str) -> bool {
    is_known(taxonomy, code)
        && !taxonomy
            .iter()
            .any(|c| c.parent_code.as_deref() == Some(code))
}

/// Whether staff may sort an appeal into `code` (归类/改类): a leaf of the taxonomy, and not
/// [`UNSORTED`] (that is where nobody has sorted it yet). The error names `category`.
pub fn check_sortable(taxonomy: &[Category], code: &str) -> Result<(), FieldError> {
    let code = code.trim();
    let shown: String = code.chars().take(40).collect();
    if !is_known(taxonomy, code) {
        return Err(FieldError::new("category", &SORT_UNKNOWN).with("value", shown));
    }
    if code == UNSORTED || !is_leaf(taxonomy, code) {
        return Err(FieldError::new("category", &SORT_NOT_LEAF).with("value", shown));
    }
    Ok(())
}

const SORT_UNKNOWN: Msg = msg!(
    "sort_category_unknown",
    "没有「{value}」这个诉求类别，请从列表中选择",
    "There is no category “{value}”; choose one from the list",
);
const SORT_NOT_LEAF: Msg = msg!(
    "sort_category_not_leaf",
    "「{value}」不是具体类别，请选择其下的小类",
    "“{value}” is a heading, not a category; choose one of the categories under it",
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn twelve_first_level_in_domain_order_then_unsorted() {
        let t = default_taxonomy();
        let first: Vec<(&str, &str)> = t
            .iter()
            .filter(|c| c.parent_code.is_none())
            .map(|c| (c.code.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(
            first,
            [
                ("livelihood_aid", "生活帮困"),
                ("health", "医疗健康"),
                ("elder_care", "养老助老"),
                ("emotional_support", "精神慰藉"),
                ("public_facilities", "公共设施"),
                ("property_management", "物业管理"),
                ("violations", "违法违规"),
                ("neighbour_disputes", "邻里纠纷"),
                ("member_rights", "党员权益"),
                ("organization_life", "组织生活"),
                ("jobs_business", "就业创业"),
                ("suggestions", "意见建议"),
                (UNSORTED, "待分类"),
            ]
        );
    }

    #[test]
    fn children_have_parents_and_codes_are_unique() {
        let t = default_taxonomy();
        let codes: HashSet<&str> = t.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes.len(), t.len(), "duplicate codes");
        for c in &t {
            assert!(!c.name.trim().is_empty());
            let en = c.name_en.as_deref().unwrap_or_default();
            assert!(
                !en.trim().is_empty() && en.is_ascii(),
                "{}: the English name {en:?} is missing or not plain English",
                c.code
            );
            match &c.parent_code {
                None => assert!(!c.code.contains('.'), "{}", c.code),
                Some(p) => {
                    let parent = t.iter().find(|x| &x.code == p).expect("parent exists");
                    assert!(parent.parent_code.is_none(), "only two levels: {}", c.code);
                    assert_eq!(
                        c.code.split_once('.').map(|(head, _)| head),
                        Some(p.as_str())
                    );
                }
            }
            assert!(
                c.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.'),
                "{}",
                c.code
            );
        }
        // Every first level but the unsorted one has its children.
        for p in t
            .iter()
            .filter(|c| c.parent_code.is_none() && c.code != UNSORTED)
        {
            let n = t
                .iter()
                .filter(|c| c.parent_code.as_ref() == Some(&p.code))
                .count();
            assert!((4..=8).contains(&n), "{} has {n} children", p.code);
        }
        // Names are unique among siblings.
        let names: HashSet<(Option<&str>, &str)> = t
            .iter()
            .map(|c| (c.parent_code.as_deref(), c.name.as_str()))
            .collect();
        assert_eq!(names.len(), t.len());
    }

    #[test]
    fn named_examples_exist() {
        let t = default_taxonomy();
        for (code, name) in [
            ("public_facilities.water_pipes", "水管"),
            ("public_facilities.lifts", "电梯"),
            ("elder_care.funeral", "身后事"),
            ("member_rights.right_to_know", "知情权"),
            ("member_rights.transfer", "组织关系转接"),
            ("violations.group_renting", "群租/居改非"),
            ("violations.noise", "噪声扰民"),
        ] {
            let c = t.iter().find(|c| c.code == code).expect(code);
            assert_eq!(c.name, name);
        }
        assert!(is_known(&t, "health"));
        assert!(is_known(&t, "public_facilities.lifts"));
        assert!(!is_known(&t, "public_facilities.elevators"));
        assert!(!is_known(&t, ""));
    }

    #[test]
    fn round_trips_through_json() {
        let t = default_taxonomy();
        let json = serde_json::to_string(&t).unwrap();
        let back: Vec<Category> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
    }
}
