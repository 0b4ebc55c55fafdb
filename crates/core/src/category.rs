//! The category taxonomy of appeals: two levels, configurable per deployment.
//!
//! [`default_taxonomy`] is what a new installation starts with. First-level codes are
//! snake_case English; a second-level code is `parent.child`, so the parent can be read off
//! the code and codes stay unique across the whole taxonomy.

use serde::{Deserialize, Serialize};

/// One category. `parent_code` is `None` for a first-level category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
}

/// First level (DOMAIN.md, "The appeal"), each with its second level.
type Level = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const DEFAULT: &[Level] = &[
    (
        "livelihood_aid",
        "生活帮困",
        &[
            ("subsistence", "低保与社会救助"),
            ("temporary_relief", "临时救助"),
            ("needy_households", "困难家庭帮扶"),
            ("disability", "残疾人帮扶"),
            ("housing", "住房保障"),
            ("education_aid", "助学帮扶"),
            ("errands", "代办代购"),
        ],
    ),
    (
        "health",
        "医疗健康",
        &[
            ("medical_insurance", "医保报销"),
            ("seeing_a_doctor", "就医协助"),
            ("family_doctor", "家庭医生签约"),
            ("chronic_disease", "慢病管理"),
            ("serious_illness", "大病救助"),
            ("public_health", "公共卫生"),
            ("food_drug_safety", "食品药品安全"),
        ],
    ),
    (
        "elder_care",
        "养老助老",
        &[
            ("home_care", "居家养老服务"),
            ("meals", "老年助餐"),
            ("living_alone", "独居老人关照"),
            ("benefits", "高龄津贴与养老待遇"),
            ("age_friendly", "适老化改造"),
            ("care_homes", "养老机构入住"),
            ("funeral", "身后事"),
        ],
    ),
    (
        "emotional_support",
        "精神慰藉",
        &[
            ("visits", "走访探望"),
            ("counselling", "心理疏导"),
            ("family_relations", "家庭关系调适"),
            ("bereavement", "丧亲抚慰"),
            ("festival_greetings", "节日慰问"),
            ("cultural_life", "文体活动"),
        ],
    ),
    (
        "public_facilities",
        "公共设施",
        &[
            ("roads", "道路"),
            ("greening", "绿化"),
            ("water_pipes", "水管"),
            ("drainage", "排水"),
            ("street_lights", "路灯"),
            ("lifts", "电梯"),
            ("parking", "停车"),
            ("utilities", "水电气暖供应"),
        ],
    ),
    (
        "property_management",
        "物业管理",
        &[
            ("service_quality", "物业服务质量"),
            ("fees", "物业费"),
            ("repairs", "房屋报修"),
            ("maintenance_fund", "维修资金"),
            ("cleaning", "保洁与垃圾清运"),
            ("security", "门禁与安保"),
            ("owners_committee", "业主委员会"),
        ],
    ),
    (
        "violations",
        "违法违规",
        &[
            ("group_renting", "群租/居改非"),
            ("illegal_building", "违章搭建"),
            ("noise", "噪声扰民"),
            ("occupying_public_space", "占道经营与乱堆物"),
            ("fire_hazards", "消防隐患"),
            ("pollution", "油烟污水排放"),
            ("unlicensed_business", "无证经营"),
        ],
    ),
    (
        "neighbour_disputes",
        "邻里纠纷",
        &[
            ("leaks", "漏水渗水"),
            ("household_noise", "生活噪声"),
            ("shared_spaces", "楼道与公共部位占用"),
            ("renovation", "装修纠纷"),
            ("pets", "宠物饲养"),
            ("light_and_view", "采光遮挡"),
            ("family", "家庭纠纷"),
        ],
    ),
    (
        "member_rights",
        "党员权益",
        &[
            ("right_to_know", "知情权"),
            ("right_to_participate", "参与权"),
            ("right_to_express", "表达权"),
            ("right_to_oversee", "监督权"),
            ("transfer", "组织关系转接"),
            ("dues", "党费收缴"),
        ],
    ),
    (
        "organization_life",
        "组织生活",
        &[
            ("nearby_activities", "就近参加组织生活"),
            ("in_service_registration", "在职党员报到"),
            ("volunteering", "志愿服务"),
            ("study", "学习教育"),
            ("floating_members", "流动党员管理"),
            ("joining", "入党申请"),
        ],
    ),
    (
        "jobs_business",
        "就业创业",
        &[
            ("job_seeking", "求职就业"),
            ("training", "职业技能培训"),
            ("wage_arrears", "欠薪讨薪"),
            ("labour_relations", "劳动关系"),
            ("social_insurance", "社保缴纳"),
            ("startups", "创业扶持"),
            ("flexible_work", "灵活就业"),
        ],
    ),
    (
        "suggestions",
        "意见建议",
        &[
            ("community_governance", "社区治理"),
            ("public_services", "公共服务"),
            ("planning", "规划建设"),
            ("transport", "交通出行"),
            ("environment", "环境保护"),
            ("station_work", "诉求站工作"),
        ],
    ),
];

/// The default taxonomy: each first-level category followed by its children, in the order
/// of DOMAIN.md.
pub fn default_taxonomy() -> Vec<Category> {
    let mut out = Vec::new();
    for (code, name, children) in DEFAULT {
        out.push(Category {
            code: (*code).into(),
            name: (*name).into(),
            parent_code: None,
        });
        for (child, child_name) in *children {
            out.push(Category {
                code: format!("{code}.{child}"),
                name: (*child_name).into(),
                parent_code: Some((*code).into()),
            });
        }
    }
    out
}

/// `code` is a category of `taxonomy` (first or second level).
pub fn is_known(taxonomy: &[Category], code: &str) -> bool {
    taxonomy.iter().any(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn twelve_first_level_in_domain_order() {
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
        for p in t.iter().filter(|c| c.parent_code.is_none()) {
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
