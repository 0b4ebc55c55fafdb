//! Realistic synthetic appeals (诉求) for the demo district and the benchmarks.
//!
//! Each appeal comes from a scenario template written the way residents and station staff
//! actually put things ("3号楼402室独居老人张阿婆（82岁）反映家中水管老化漏水……"). A template
//! fixes the category, the plausible kinds and whether the matter is urgent; its text is a
//! chain of parts, each picked from a few alternatives, with slots (`{addr}`, `{elder}`,
//! `{dur}` …) filled per appeal from the tables below. The slot values of one appeal are
//! drawn once, so a name or a room number stays the same throughout its text.
//!
//! All names, phone numbers and addresses are made up. Generation is a handful of random
//! draws and string pushes: no regex, no parsing beyond a `{`/`}` scan.

use std::fmt::Write as _;
use std::sync::OnceLock;

use rand::seq::SliceRandom;
use rand::Rng;
use suqiu_core::appeal::{Kind, Urgency};
use suqiu_core::person::Gender;

/// The text of one synthetic appeal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAppealText {
    /// A second-level code of `suqiu_core::category::default_taxonomy()`.
    pub category: &'static str,
    pub kind: Kind,
    pub urgency: Urgency,
    /// A short summary, at most 20 characters.
    pub title: String,
    pub content: String,
    /// Free-text location, e.g. "佛字桥居民区 3号楼" or "荣乐东路与乐都路交叉口".
    pub location: String,
}

/// One appeal for a community (居民区 or 村) named `community_name`.
pub fn generate(rng: &mut impl Rng, community_name: &str) -> DemoAppealText {
    let village = is_village(community_name);
    let t = loop {
        let t = pick_template(rng);
        if village || t.fit != Fit::Village {
            break t;
        }
    };
    let rural = match t.fit {
        Fit::Any => village && rng.gen_bool(0.5),
        Fit::Flat => false,
        Fit::Village => true,
    };
    let ctx = Ctx::new(rng, community_name, rural);
    let kind = *t.kinds.choose(rng).expect("template has kinds");

    let mut title = String::with_capacity(48);
    render(&mut title, t.titles.choose(rng).expect("titles"), &ctx, rng);

    let mut content = String::with_capacity(512);
    for part in t.parts {
        render(
            &mut content,
            part.choose(rng).expect("alternatives"),
            &ctx,
            rng,
        );
    }

    let mut location = String::with_capacity(64);
    render(&mut location, t.location, &ctx, rng);

    DemoAppealText {
        category: t.category,
        kind,
        urgency: if t.urgent {
            Urgency::Urgent
        } else {
            Urgency::Normal
        },
        title,
        content,
        location,
    }
}

/// A realistic Chinese full name (surname by frequency × a given name of either gender and
/// any generation).
pub fn person_name(rng: &mut impl Rng) -> String {
    person_name_with_gender(rng).0
}

/// A realistic Chinese full name and the gender its given name was drawn for.
pub fn person_name_with_gender(rng: &mut impl Rng) -> (String, Gender) {
    let gender = if rng.gen_bool(0.5) {
        Gender::Female
    } else {
        Gender::Male
    };
    let mut s = String::with_capacity(12);
    s.push_str(surname(rng));
    let generation = rng.gen_range(0..3);
    s.push_str(given_name(rng, gender, generation));
    (s, gender)
}

/// A valid mainland mobile number: a real carrier prefix (1[3-9]x) and eight digits.
pub fn phone(rng: &mut impl Rng) -> String {
    let mut s = String::with_capacity(11);
    s.push_str(PHONE_PREFIXES.choose(rng).expect("prefixes"));
    let rest: u32 = rng.gen_range(0..100_000_000);
    let _ = write!(s, "{rest:08}");
    s
}

/// Every category code the generator can emit (for checks against the taxonomy).
pub fn category_codes() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = TEMPLATES.iter().map(|t| t.category).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// How many scenario templates there are.
pub fn template_count() -> usize {
    TEMPLATES.len()
}

// ---------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------

struct Template {
    category: &'static str,
    /// Picked uniformly; repeat a kind to weight it.
    kinds: &'static [Kind],
    urgent: bool,
    /// Which communities the scenario fits.
    fit: Fit,
    /// Relative frequency.
    weight: u32,
    titles: &'static [&'static str],
    /// The content is one alternative of each part, in order.
    parts: &'static [&'static [&'static str]],
    location: &'static str,
}

/// Which communities a scenario fits, and how its addresses read there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Anywhere. In a village (村) the address is a house in a village group ("5组28号")
    /// half of the time, a flat in the village's resettlement estate (动迁安置小区) otherwise.
    Any,
    /// Needs blocks of flats (stairwells, floors, lifts, a property company): in a village it
    /// happens in the resettlement estate.
    Flat,
    /// Villages only: homesteads, village committees.
    Village,
}

use Kind::{
    Complaint as CO, Help as HE, Inquiry as IN, Praise as PR, Report as RE, Suggestion as SU,
};

/// Cumulative weights of `TEMPLATES`.
fn cumulative() -> &'static [u32] {
    static CUM: OnceLock<Vec<u32>> = OnceLock::new();
    CUM.get_or_init(|| {
        let mut acc = 0;
        TEMPLATES
            .iter()
            .map(|t| {
                acc += t.weight;
                acc
            })
            .collect()
    })
}

fn pick_template(rng: &mut impl Rng) -> &'static Template {
    let cum = cumulative();
    let x = rng.gen_range(0..*cum.last().expect("templates"));
    let i = cum.partition_point(|&c| c <= x);
    &TEMPLATES[i]
}

// Locations.
const AT_BLDG: &str = "{comm} {bldg}";
const AT_ESTATE: &str = "{comm} {estate}";
const AT_GATE: &str = "{comm} {estate}{gate}";
const AT_CROSS: &str = "{road}与{road2}交叉口";
const AT_ROAD: &str = "{road}{no}号";
const AT_COMM: &str = "{comm}";
const AT_STATION: &str = "{comm}党群服务站";

static TEMPLATES: &[Template] = &[
    // ======== 生活帮困 livelihood_aid ========
    Template {
        category: "livelihood_aid.needy_households",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Flat,
        weight: 14,
        titles: &["困难党员申请帮困", "老党员生活困难求助", "申请党内帮困"],
        parts: &[
            &[
                "{addr}老党员{ename}（{eage}岁，党龄{py}年）来站反映：",
                "走访中了解到，{addr}困难党员{ename}今年{eage}岁，",
                "{addr}党员{ename}的{rel}来站反映，",
            ],
            &[
                "老伴去年因病去世，老人患有{ill}，",
                "老人患{ill}多年，老伴长期卧床，",
                "老人患{ill}，每月光药费就要一千多元，",
            ],
            &[
                "每月退休金{pension}元，扣除药费和物业费后所剩无几，",
                "家里只靠{ta}每月{pension}元的退休金过日子，",
                "{rel}下岗在家，全家靠{ta}每月{pension}元退休金维持，",
            ],
            &[
                "希望党员诉求站给予帮困。",
                "希望申请党内帮困补助，帮老人渡过难关。",
                "希望能纳入困难党员帮扶名单，节日走访时多关心一下。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "livelihood_aid.subsistence",
        kinds: &[IN, IN, HE],
        urgent: false,
        fit: Fit::Any,
        weight: 12,
        titles: &["咨询低保申请条件", "低保申请咨询", "咨询低保和救助政策"],
        parts: &[
            &["{open}"],
            &[
                "家中{rel2}患{ill}，本人{age}岁，下岗多年一直没有稳定工作，",
                "本人离异后独自带孩子，在超市打零工每月收入{amt}元，",
                "丈夫去年工伤后不能干重活，家里就靠本人做钟点工，",
            ],
            &[
                "想了解申请低保的条件，需要准备哪些材料、到哪里办理。",
                "听说有支出型贫困家庭救助，想咨询自己家是否符合条件。",
                "去年申请低保因收入超标没批下来，想问问今年标准有没有调整。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "livelihood_aid.temporary_relief",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 6,
        titles: &["突遭变故申请临时救助", "申请临时救助", "家庭突发困难求助"],
        parts: &[
            &["{open}", "网格员走访时了解到，{addr}{jm}{name}"],
            &[
                "家里{dur2}失火，家具电器都烧没了，",
                "丈夫{dur2}因车祸去世，家里一下子没了经济来源，",
                "{rel2}突然中风住院，本人只好辞职在医院陪护，",
            ],
            &[
                "两个孩子还在上学，生活一下子陷入困境，",
                "眼下连房租和生活费都成了问题，",
            ],
            &[
                "希望能申请临时救助，帮助渡过难关。",
                "恳请社区帮忙申请临时救助和助困基金补助。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "health.serious_illness",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 10,
        titles: &[
            "大病住院费用困难求助",
            "申请大病医疗救助",
            "大病致困申请帮扶",
        ],
        parts: &[
            &["{open}"],
            &[
                "{rel2}{dur2}被查出{ill}，住院手术花了{wan}万元，",
                "家中{rel2}突发{acute}，前后住院两次共花费{wan}万元，",
            ],
            &[
                "医保报销后自付部分还有{self}元，",
                "大病医保报了一部分，还欠着亲戚{self}元，",
            ],
            &[
                "后续还要长期吃药复查，家里实在拿不出钱，希望能申请临时救助或助困基金补助。",
                "孩子还在读书，家庭一下子陷入困境，恳请社区帮忙申请医疗救助。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "livelihood_aid.education_aid",
        kinds: &[HE, IN],
        urgent: false,
        fit: Fit::Any,
        weight: 6,
        titles: &["申请助学帮扶", "孩子学费困难求助", "咨询助学政策"],
        parts: &[
            &["{open}"],
            &[
                "本人是单亲家庭，{kid}今年考上了外地的大学，",
                "家里{kid}在读高职，丈夫长期生病不能工作，",
            ],
            &[
                "学费加住宿费要{amt}元，一时凑不齐，",
                "开学要交{amt}元学杂费，家里积蓄都给丈夫看病用掉了，",
            ],
            &[
                "希望社区帮忙申请助学补助或联系爱心助学结对。",
                "想咨询有没有助学贷款或者困难学生补助可以申请。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "livelihood_aid.needy_households",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 7,
        titles: &["申请爱心超市物资", "困难家庭申领生活物资"],
        parts: &[
            &[
                "{addr}{jm}{name}来站反映，",
                "网格员走访时了解到，{addr}{jm}{name}",
            ],
            &[
                "一个人带着两个孩子，前夫不付抚养费，",
                "肢体残疾，多年靠低保生活，",
                "刚做完手术在家休养，{dur}没有收入，",
            ],
            &[
                "家里米和油快吃完了，希望能到爱心超市领取一些生活物资。",
                "希望{fest}前能在爱心超市领些米、油和洗衣粉，减轻一点负担。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "livelihood_aid.needy_households",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 6,
        titles: &["微心愿认领申请", "老人的微心愿", "登记微心愿"],
        parts: &[
            &["{addr}{elder}（{eage}岁）"],
            &[
                "腿脚不便，家里的旧轮椅坏了，",
                "视力越来越差，看报纸很吃力，",
                "冬天家里很冷，旧电热毯已经用不了，",
                "一直想去看看新建成的广富林文化遗址，",
            ],
            &[
                "托网格员登记了一个微心愿，希望有党员认领帮助实现。",
                "希望通过微心愿活动得到帮助，{rel}在外地，平时顾不上。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "livelihood_aid.errands",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 6,
        titles: &["独居老人家电损坏", "老人家电损坏求助"],
        parts: &[
            &["{addr}独居{elder}（{eage}岁）的邻居{name}反映，"],
            &[
                "老人家里的热水器坏了{ldur}，",
                "老人家的冰箱不制冷了，",
                "老人家的燃气灶打不着火，",
            ],
            &[
                "老人舍不得花钱修，天天凑合着，",
                "老人退休金不高，又不懂怎么找人修，",
            ],
            &[
                "希望{jwh}帮忙找人上门看看，费用上能否给予补助。",
                "希望志愿者上门帮忙维修。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "livelihood_aid.housing",
        kinds: &[IN, HE],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["咨询公租房申请", "住房困难求助", "咨询住房保障政策"],
        parts: &[
            &["{open}"],
            &[
                "一家三代五口人挤在一套{n}0多平方米的老房子里，",
                "本人离婚后没有住房，带着孩子在外面租房，每月房租{amt}元，",
                "老房子年久失修，墙体开裂，下雨天屋里漏水，",
            ],
            &[
                "想咨询廉租住房或公租房的申请条件。",
                "希望了解住房困难家庭有哪些保障政策，能否申请租金补贴。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "livelihood_aid.errands",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["请志愿者代办代购", "老人代办事项求助"],
        parts: &[
            &["{addr}{elder}（{eage}岁）"],
            &[
                "腿脚不便，社保卡过期了需要换卡，",
                "一个人住，每周要去医院配药，{rel}工作忙顾不上，",
                "不会用智能手机，水电煤缴费、预约挂号都办不了，",
            ],
            &[
                "希望志愿者帮忙代办。",
                "希望社区安排志愿者定期帮忙代购代办。",
            ],
        ],
        location: AT_BLDG,
    },
    // ======== 医疗健康 health ========
    Template {
        category: "health.family_doctor",
        kinds: &[HE, IN],
        urgent: false,
        fit: Fit::Any,
        weight: 10,
        titles: &[
            "申请家庭医生上门服务",
            "卧床老人需上门医疗",
            "家庭医生签约咨询",
        ],
        parts: &[
            &[
                "{addr}{elder}（{eage}岁）的{rel}来站反映，",
                "{addr}{jm}{name}来电反映，家中{elder}{eage}岁了，",
            ],
            &[
                "老人因{ill}卧床{years}年，",
                "老人患{ill}，行动不便，去医院要{rel}请假陪同，",
            ],
            &[
                "想请社区卫生服务中心的家庭医生定期上门量血压、调药。",
                "询问能否签约家庭医生，由医生上门换药、开长处方。",
                "希望家庭医生能上门评估，安排上门护理。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "health.chronic_disease",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 8,
        titles: &["咨询慢病长处方配药", "社区配药不方便", "咨询延伸处方"],
        parts: &[
            &["{open}"],
            &[
                "本人长期服用降压药和降糖药，",
                "老伴患{ill}，常年吃几种药，",
            ],
            &[
                "社区卫生服务中心一次只能配两周的量，每次排队要一上午，",
                "有一种药社区卫生服务中心没有，要跑到区中心医院去配，",
            ],
            &[
                "想咨询能否开长处方或者延伸处方。",
                "希望能解决在社区就近配药的问题。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "health.public_health",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 7,
        titles: &["老年人健康服务咨询", "咨询社区体检和接种"],
        parts: &[
            &[
                "{jm}{name}（{eage}岁）来电咨询：",
                "{addr}老人{ename}到站咨询，",
            ],
            &[
                "今年六十五岁以上老人免费体检什么时候开始，需不需要预约、要带哪些证件。",
                "老年人肺炎疫苗和流感疫苗是不是免费，到哪里接种。",
                "听说社区卫生服务中心可以做眼底检查，怎么预约。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "livelihood_aid.disability",
        kinds: &[IN, HE],
        urgent: false,
        fit: Fit::Any,
        weight: 6,
        titles: &["咨询残疾证和辅具", "残疾人服务咨询"],
        parts: &[
            &["{open}"],
            &[
                "家中{rel2}{dur2}中风，右侧肢体偏瘫，",
                "{rel2}听力下降得厉害，戴助听器也听不清，",
                "{rel2}因糖尿病截肢，",
            ],
            &[
                "想办理残疾证，不知道到哪里做鉴定、要准备什么材料。",
                "听说可以申请免费的辅具，想问怎么申请。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "health.medical_insurance",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["异地就医报销咨询", "咨询医保报销"],
        parts: &[
            &["{open}"],
            &[
                "{dur2}回{home}老家时突发{acute}住院，",
                "{rel2}在外省住院，",
            ],
            &[
                "垫付了{self}元，想咨询回上海后怎么办理医保报销，要哪些票据。",
                "当时没有办异地就医备案，不知道现在还能不能报销。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "health.seeing_a_doctor",
        kinds: &[HE],
        urgent: true,
        fit: Fit::Any,
        weight: 4,
        titles: &["独居老人突发不适", "老人身体不适紧急求助"],
        parts: &[
            &[
                "{addr}独居{elder}（{eage}岁）打电话到{jw}，说自己",
                "{elder}（{eage}岁，独居）的{rel}从外地打来电话，说老人",
            ],
            &[
                "胸口闷、头晕，站不起来，",
                "早上起床后半边身体没力气，",
                "发高烧两天了，一直没吃东西，",
            ],
            &[
                "家中无人照看，请求马上派人上门查看并联系120。",
                "请{jw}立即派人上门，必要时送医。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "health.food_drug_safety",
        kinds: &[RE, CO],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["保健品推销骗老人", "食品药品安全问题", "举报虚假推销"],
        parts: &[
            &["{openb}"],
            &[
                "最近有一伙人在{road}租了个门面，天天免费送鸡蛋，拉老人去听保健品讲座，",
                "{road}一家熟食店卫生条件很差，",
                "有人在{estate}门口摆摊卖来路不明的“特效药”，",
            ],
            &[
                "已经有老人花了{amt}元买了一堆东西，",
                "有居民买回去吃了拉肚子，",
                "专挑独居老人下手，",
            ],
            &[
                "请市场监管部门查一查。",
                "希望社区提醒老人不要上当，并请有关部门处理。",
            ],
        ],
        location: AT_ROAD,
    },
    // ======== 养老助老 elder_care ========
    Template {
        category: "elder_care.living_alone",
        kinds: &[HE, RE],
        urgent: true,
        fit: Fit::Flat,
        weight: 6,
        titles: &["独居老人情况危急", "独居老人疑似摔倒", "独居老人紧急求助"],
        parts: &[
            &[
                "邻居{name}反映，{addr}独居{elder}（{eage}岁）",
                "楼组长{name}来电，{addr}的{elder}（{eage}岁，独居）",
            ],
            &[
                "在家中摔倒，隔着门能听到呼救声，",
                "早上在卫生间摔倒后起不来，敲门有回应但开不了门，",
                "两天没见下楼，敲门没人应，屋里电视一直开着，",
            ],
            &[
                "门从里面反锁，{rel}在外地，请求马上派人处理。",
                "已联系{rel}，{rel}一小时内赶不过来，请求立即上门并联系120、派出所协助开门。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "elder_care.meals",
        kinds: &[HE, IN],
        urgent: false,
        fit: Fit::Any,
        weight: 10,
        titles: &["申请老年助餐送餐", "独居老人吃饭难", "咨询长者食堂送餐"],
        parts: &[
            &[
                "{addr}{elder}（{eage}岁）",
                "{addr}{elder}（{eage}岁）的{rel}来电反映，老人",
            ],
            &[
                "独居，患有{ill}，做饭越来越吃力，经常一碗面条对付一顿，",
                "和老伴年纪都大了，买菜做饭力不从心，",
            ],
            &[
                "想申请社区长者食堂送餐上门，想了解一餐多少钱、有没有补贴。",
                "希望能安排助餐送餐服务，中午一顿就可以。",
                "想问问助餐点能不能每天送饭到家，费用可以从退休金里扣。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "elder_care.home_care",
        kinds: &[IN, HE],
        urgent: false,
        fit: Fit::Any,
        weight: 8,
        titles: &["咨询长护险和居家养老", "申请居家养老服务"],
        parts: &[
            &["{addr}{jm}{name}来站咨询，"],
            &[
                "家中{elder}（{eage}岁）患{ill}，生活基本不能自理，",
                "{rel3}{eage}岁，患有{ill}，白天家里没人照顾，",
            ],
            &[
                "想申请长护险评估，请护理员上门服务，不知道怎么申请、一周能上门几次。",
                "长护险评估做过了是二级，想问问能不能重新评估。",
                "想了解居家养老服务有哪些项目、自己要出多少钱。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "elder_care.funeral",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["孤老委托身后事", "孤老身后事求助", "孤老托付后事"],
        parts: &[
            &[
                "{addr}孤老{ename}（{eage}岁）无子女，",
                "孤老{ename}（{eage}岁，住{addr}）老伴早年去世，身边没有亲人，",
            ],
            &[
                "近来身体每况愈下，多次向{jw}提出担心身后事无人料理，",
                "{dur2}以来住了两次院，出院后找到书记，说放心不下自己的后事，",
            ],
            &[
                "希望党组织帮助安排殡葬事宜，并委托{jw}保管遗嘱和存折。",
                "想请党员诉求站帮忙联系公墓、办理公证，百年后按遗愿与老伴合葬。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "elder_care.funeral",
        kinds: &[HE, IN],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["老人去世后事办理咨询", "咨询丧葬补助"],
        parts: &[
            &["{open}"],
            &["家中{rel3}（老党员）{dur2}去世，", "父亲上周在医院去世，"],
            &[
                "想咨询丧葬补助、抚恤金怎么申领，户口注销要到哪里办。",
                "家里子女都不懂后事流程，希望社区给予指导，并向党组织报告老人去世情况。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "elder_care.living_alone",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 8,
        titles: &[
            "申请独居老人关爱服务",
            "申请安装紧急呼叫器",
            "独居老人需定期探望",
        ],
        parts: &[
            &["{addr}{elder}（{eage}岁）的{rel}来电反映，"],
            &[
                "自己在国外工作，老人一个人住，",
                "自己在{home}工作，一年回来一两次，",
                "老人独居，前阵子夜里摔过一跤，",
            ],
            &[
                "希望社区安装紧急呼叫器和烟感报警器，并安排志愿者定期上门看看。",
                "希望{jw}把老人列入独居老人关爱名单，每周有人上门或打个电话。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "elder_care.age_friendly",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Flat,
        weight: 5,
        titles: &["申请适老化改造", "老人居家安全改造"],
        parts: &[
            &["{addr}{elder}（{eage}岁）"],
            &[
                "家里卫生间地面滑，去年摔过一次，",
                "家住{floor}楼，楼梯没有扶手，",
                "腿脚不好，家里门槛高、浴缸跨不进去，",
            ],
            &[
                "想申请适老化改造，加装扶手、换防滑地砖，想了解政府补贴多少。",
                "希望{jw}帮忙申请居家环境适老化改造。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "elder_care.care_homes",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["咨询公办养老院入住", "养老院排队咨询"],
        parts: &[
            &["{open}"],
            &[
                "{rel3}{eage}岁，患有{ill}，子女都要上班照顾不过来，",
                "家里{elder}{eage}岁，老伴去年走了，",
            ],
            &[
                "想了解区里公办养老院怎么申请，排队要多久，每月费用多少。",
                "想咨询附近有没有日间照料中心或长者照护之家可以入住。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "elder_care.home_care",
        kinds: &[PR],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["感谢志愿者上门助老", "表扬助老志愿者"],
        parts: &[
            &["{addr}{elder}（{eage}岁）"],
            &[
                "特地来到党员诉求站，感谢志愿者{name2}",
                "的{rel}打来电话，感谢党员志愿者{name2}",
            ],
            &[
                "一年多来每周上门陪老人聊天、帮忙买菜配药，风雨无阻。",
                "在老人住院期间每天去医院送饭，比亲人还亲。",
            ],
            &["希望社区对{ta2}提出表扬。", "老人说一定要当面说声谢谢。"],
        ],
        location: AT_STATION,
    },
    Template {
        category: "elder_care.benefits",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["咨询老年综合津贴", "高龄津贴咨询", "养老待遇咨询"],
        parts: &[
            &[
                "{addr}{elder}（{eage}岁）的{rel}来站咨询，",
                "老人{ename}（{eage}岁）来电咨询，",
            ],
            &[
                "老人的老年综合津贴这个月没有到账，",
                "老人年龄到了新的津贴档次，想问要不要重新申请，",
                "老人是农村户籍，想了解城乡居民养老金每月能领多少，",
            ],
            &["想了解原因和办理流程。", "请社区帮忙查一查。"],
        ],
        location: AT_COMM,
    },
    // ======== 精神慰藉 emotional_support ========
    Template {
        category: "emotional_support.visits",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 8,
        titles: &["独居老人情绪低落", "老人需要陪伴", "申请精神慰藉服务"],
        parts: &[
            &[
                "{addr}{elder}（{eage}岁）的{rel}反映，",
                "网格员走访时发现，{addr}的{elder}（{eage}岁）",
            ],
            &[
                "自老伴去世后很少下楼，常常一个人坐着掉眼泪，",
                "{dur}话越来越少，饭也吃不下，晚上睡不着，",
                "一个人住，整天对着电视，说活着没意思，",
            ],
            &[
                "希望志愿者能常去陪老人聊聊天。",
                "希望精神慰藉小组能上门结对，经常去看看。",
                "希望社区多叫老人参加活动室的活动。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "emotional_support.bereavement",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["失独老人需要关心", "失独家庭精神慰藉"],
        parts: &[
            &["走访中了解到，{addr}{elder}（{eage}岁）夫妇是失独家庭，"],
            &[
                "每到清明和孩子生日前后情绪就很不稳定，",
                "老伴{dur2}住院，老人一个人在家常常哭，",
            ],
            &[
                "希望社区安排专人结对，节日期间多上门陪伴。",
                "希望能联系心理咨询师上门疏导。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "emotional_support.family_relations",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 6,
        titles: &["家庭矛盾请求调解", "老人与子女矛盾", "家庭纠纷调解"],
        parts: &[
            &["{addr}{elder}（{eage}岁）多次来站哭诉，"],
            &[
                "和{rel}因为动迁房的分配闹翻了，{rel}已经{months}个月没来看{ta}，",
                "{rel}婚后一直住在老人家里，经常为小事争吵，",
                "{rel}不肯承担赡养费，老人退休金又不够看病，",
            ],
            &[
                "希望{jwh}出面调解，修复家庭关系。",
                "希望调解委员会帮忙调解，老人说只想过个安稳的晚年。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "emotional_support.visits",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["老党员希望上门谈心", "行动不便老党员盼关心"],
        parts: &[
            &["{addr}老党员{ename}（{eage}岁，党龄{py}年）"],
            &[
                "因{ill}行动不便，已经好几年不能参加组织生活，",
                "卧床多年，过去在厂里是老先进，",
            ],
            &[
                "希望支部能安排党员上门谈心、读读报，讲讲外面的新变化。",
                "托{rel}转达：很想念支部的老同志，希望大家有空来坐坐。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "emotional_support.counselling",
        kinds: &[HE, IN],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["申请心理疏导", "咨询心理咨询服务"],
        parts: &[
            &["{open}"],
            &[
                "{dur2}被确诊{ill}，一直想不开，",
                "失业后整天在家，和家里人关系也越来越紧张，",
                "{kid}读初三，学习压力大，最近不愿意去学校，",
            ],
            &[
                "想问社区有没有心理咨询服务，能不能安排人聊聊。",
                "希望社区的心理咨询志愿者帮忙疏导。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "emotional_support.festival_greetings",
        kinds: &[SU, HE],
        urgent: false,
        fit: Fit::Flat,
        weight: 4,
        titles: &["建议节前走访慰问", "希望节日看望老人"],
        parts: &[
            &["楼组长{name}反映，", "党员{name}建议，"],
            &["{fest}快到了，", "马上要过{fest}了，"],
            &[
                "楼里有{n}位独居老人和困难党员，子女都不在身边，",
                "{addr}的{elder}（{eage}岁）老伴刚走，今年第一次一个人过节，",
            ],
            &[
                "希望支部组织党员上门慰问，陪老人们说说话。",
                "希望{jw}节前走访时多去看看，送去一点温暖。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "emotional_support.cultural_life",
        kinds: &[HE, SU],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["老人想参加文体活动", "希望组织文体活动", "报名老年兴趣班"],
        parts: &[
            &["{open}"],
            &[
                "退休后在家闲不住，",
                "老伴走后一个人在家很闷，",
                "本人年轻时喜欢唱沪剧，",
            ],
            &[
                "想参加社区的合唱队或者书法班，",
                "希望社区多组织一些老年人的文体活动，比如排舞、沪剧沙龙，",
            ],
            &["想问怎么报名。", "大家在一起热闹热闹，心情也好。"],
        ],
        location: AT_STATION,
    },
    // ======== 公共设施 public_facilities ========
    Template {
        category: "public_facilities.water_pipes",
        kinds: &[HE, HE, CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 14,
        titles: &["{bldg}水管老化漏水", "家中水管漏水求助", "老人家水管漏水"],
        parts: &[
            &[
                "{addr}独居老人{elder}（{eage}岁）反映",
                "{addr}{elder}（{eage}岁）的{rel}来电反映，老人",
            ],
            &[
                "家中水管老化漏水，",
                "厨房水管接口{dur}一直在滴水，",
                "卫生间进水管锈穿了，",
            ],
            &[
                "楼下住户天花板已渗水，",
                "地上每天要擦好几遍，楼下{down}室已经来敲过门，",
                "墙面都泡发了，",
            ],
            &[
                "老人行动不便，希望{jwh}帮忙联系维修。",
                "老人不知道该找谁修，希望帮忙联系房管所或物业。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "public_facilities.water_pipes",
        kinds: &[RE, HE],
        urgent: true,
        fit: Fit::Flat,
        weight: 7,
        titles: &["{bldg}总水管爆裂", "水管爆裂楼道进水", "总水管爆裂紧急抢修"],
        parts: &[
            &[
                "{bldg}{unit}单元一楼总水管爆裂，",
                "{estate}{bldg}门口地下水管爆裂，水往上冒，",
            ],
            &[
                "水已漫进楼道和底层住户家中，",
                "底层{n}户人家进水，电瓶车都泡在水里，",
            ],
            &[
                "整栋楼停水，请立即派人关闸抢修。",
                "居民自己找不到总阀，请物业和自来水公司马上来抢修。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "public_facilities.utilities",
        kinds: &[CO, HE],
        urgent: true,
        fit: Fit::Flat,
        weight: 5,
        titles: &["小区突然停水无通知", "整栋楼停水", "停水一天未恢复"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}{bldg}从今天早上开始停水，",
                "{estate}从昨天晚上起突然停水，到现在还没来水，",
            ],
            &["事先没有接到任何停水通知，", "打物业电话一直没人接，"],
            &[
                "楼里有好几户卧床老人，做饭吃药都成问题，请尽快恢复供水。",
                "家家户户都没水冲厕所，希望马上查明原因、恢复供水，先送些桶装水来。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "public_facilities.utilities",
        kinds: &[HE, CO],
        urgent: true,
        fit: Fit::Flat,
        weight: 5,
        titles: &["整栋楼停电", "突然停电求助", "停电急需抢修"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}整栋停电已经{hrs}个多小时，",
                "{bldg}{unit}单元电表箱冒烟后全部跳闸停电，",
            ],
            &[
                "楼里有老人在用制氧机，",
                "电梯停了，{hf}楼的老人下不了楼，冰箱里的药也要坏了，",
            ],
            &[
                "请立即联系供电部门抢修。",
                "请马上派人来处理，先保障老人用氧。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "public_facilities.utilities",
        kinds: &[RE],
        urgent: true,
        fit: Fit::Flat,
        weight: 4,
        titles: &["楼道燃气泄漏", "闻到煤气味", "疑似燃气管道泄漏"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}{unit}单元楼道里煤气味很重，",
                "{bldg}外墙燃气管接头处有嘶嘶声，闻到很浓的煤气味，",
            ],
            &[
                "怀疑燃气管道泄漏，住户不敢开灯、不敢开火，",
                "楼里有小孩和老人，大家都很害怕，",
            ],
            &["请马上通知燃气公司来抢修，并组织疏散。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "public_facilities.lifts",
        kinds: &[CO, CO, HE],
        urgent: false,
        fit: Fit::Flat,
        weight: 10,
        titles: &["{bld}号楼电梯停运", "电梯坏了迟迟不修", "高层电梯长期故障"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}{bld}号楼是{hf}层的高层，电梯坏了{ldur}还没修好，",
                "{estate}{bld}号楼两部电梯坏了一部，另一部三天两头停，{ldur}来反复故障，",
            ],
            &[
                "楼里住着好几位八九十岁的老人，下楼看病只能靠家人背，",
                "{hf}楼的{elder}每周要去透析，现在只能请人抬下楼，",
                "住高层的老人这些天都没下过楼，买菜都成问题，",
            ],
            &[
                "物业说在等配件，请相关部门督促尽快修复。",
                "希望{jwh}督促物业和维保单位抓紧维修，并查一查电梯安全。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "public_facilities.lifts",
        kinds: &[SU, IN, HE],
        urgent: false,
        fit: Fit::Flat,
        weight: 7,
        titles: &["老公房加装电梯协调", "咨询加装电梯政策", "加装电梯意见不一"],
        parts: &[
            &["{bldg}楼组长{name}来站反映，"],
            &[
                "本楼是六层的多层住宅，没有电梯，住了很多老人，大家想加装电梯，",
                "楼里{n}户里已有大部分签字同意加装电梯，",
            ],
            &[
                "但一楼两户担心采光和噪声坚决反对，",
                "但对费用怎么分摊意见不一，",
                "不清楚政府补贴多少、审批流程怎么走，",
            ],
            &[
                "希望{jwh}出面协调，召开楼组议事会。",
                "希望社区请专业人员来讲讲政策，帮忙推进。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "public_facilities.street_lights",
        kinds: &[RE, CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 8,
        titles: &["路灯损坏夜间漆黑", "小区路灯不亮", "路灯坏了没人修"],
        parts: &[
            &["{openb}"],
            &[
                "{road}靠近{estate}的一段路灯坏了{n}盏，",
                "{estate}{gate}进来的主干道路灯{dur}都不亮，",
            ],
            &[
                "晚上漆黑一片，老人散步容易摔跤，",
                "晚上下班回家很不安全，前几天还有老人绊倒，",
            ],
            &["希望尽快修复。", "请相关部门尽快安排维修。"],
        ],
        location: AT_ESTATE,
    },
    Template {
        category: "public_facilities.roads",
        kinds: &[RE, CO, SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 8,
        titles: &["道路破损需修整", "路面坑洼积水", "道路破损出行不便"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}主干道路面破损坑洼，",
                "{road}人行道地砖松动翘起，",
                "{estate}{bldg}门口的路一下雨就积水，",
            ],
            &[
                "一下雨积水没过脚背，老人孩子出行很不方便，",
                "已经有骑电瓶车的居民摔倒，",
            ],
            &["希望尽快修整路面。", "建议结合小区综合改造一并修缮。"],
        ],
        location: AT_ESTATE,
    },
    Template {
        category: "public_facilities.parking",
        kinds: &[CO, SU],
        urgent: false,
        fit: Fit::Any,
        weight: 10,
        titles: &["非机动车乱停堵路", "非机动车乱停放", "人行道被车辆占用"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}{gate}外非机动车乱停放，",
                "{road}地铁站出口共享单车堆成山，",
                "{estate}{gate}的人行道上电瓶车、共享单车停得满满当当，",
            ],
            &[
                "早晚高峰老人孩子通行困难，轮椅根本推不过去，",
                "盲道全被占了，老人只能走到机动车道上，",
            ],
            &[
                "希望划定停放区域并安排人员管理。",
                "请城管和共享单车企业及时清理。",
            ],
        ],
        location: AT_GATE,
    },
    Template {
        category: "public_facilities.parking",
        kinds: &[SU, CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 8,
        titles: &["小区停车难", "建议增设停车位", "消防通道被占停车"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}车位紧张，晚上消防通道、绿化带边上都停满了车，",
                "小区外来车辆随意进出停车，业主回家没地方停，",
            ],
            &["上次救护车进来都绕了半天，", "邻里之间为抢车位经常吵架，"],
            &[
                "建议重新规划划线、增设车位，或和附近单位协商错时停车。",
                "希望物业加强外来车辆管理，消防通道严禁停车。",
            ],
        ],
        location: AT_ESTATE,
    },
    Template {
        category: "public_facilities.greening",
        kinds: &[CO, SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 7,
        titles: &["绿化需要修剪养护", "树木杂草需修剪", "绿化养护不到位"],
        parts: &[
            &["{open}"],
            &[
                "楼前的大树多年没修剪，树枝都伸进了{floor}楼窗户，",
                "{bldg}旁边的绿化带杂草长得半人高，",
            ],
            &[
                "夏天蚊子特别多，晚上都不敢开窗，",
                "台风天担心断枝砸人，有安全隐患，",
                "还招老鼠，低楼层住户意见很大，",
            ],
            &["希望安排修剪。", "希望物业和绿化部门尽快处理。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "public_facilities.drainage",
        kinds: &[RE, CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 7,
        titles: &["窨井污水外溢", "下水道堵塞", "污水管道堵塞"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}楼下窨井堵塞，",
                "{estate}{bldg}的污水管道堵塞，底楼卫生间往上返水，",
                "{bldg}后面的化粪池满了，",
            ],
            &[
                "污水外溢，臭气熏天，",
                "{dur}一直没人来疏通，夏天蚊蝇很多，",
            ],
            &[
                "请尽快安排疏通清掏。",
                "希望彻底解决，不要每次只是临时通一下。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "suggestions.public_services",
        kinds: &[SU, RE],
        urgent: false,
        fit: Fit::Flat,
        weight: 5,
        titles: &["健身器材损坏", "健身器材存在安全隐患"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}中心花园的健身器材有{n}件坏了，",
                "小区健身点的漫步机松动，螺丝都露在外面，",
            ],
            &["老人孩子在上面锻炼很危险，", "前几天有个小孩手被夹了一下，"],
            &["希望尽快维修或更换。"],
        ],
        location: AT_ESTATE,
    },
    // ======== 物业管理 property_management ========
    Template {
        category: "property_management.repairs",
        kinds: &[CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 10,
        titles: &["物业报修迟迟不处理", "报修多次无人上门", "物业维修推诿"],
        parts: &[
            &["{open}"],
            &[
                "楼顶屋面漏水，顶楼几户天花板都发霉了，",
                "楼道的单元门锁坏了，",
                "楼道窗户玻璃碎了，",
                "家门口的楼道灯坏了，",
            ],
            &[
                "向物业报修已经{ldur}，物业一直推说要等维修基金，",
                "打物业电话报修了三四次，每次都说马上来，到现在也没人上门，",
            ],
            &["希望{jwh}督促物业尽快维修。", "请帮忙督促物业履行职责。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "property_management.cleaning",
        kinds: &[CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 8,
        titles: &["小区环境卫生差", "保洁清运不到位", "物业保洁不到位"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}{bldg}旁边的垃圾厢房{days}天没清运，",
                "小区的湿垃圾桶满了没人换，垃圾堆到了桶外面，",
                "楼道{dur}没人打扫，",
            ],
            &["夏天臭气熏天，老鼠蟑螂到处跑，", "一楼住户窗户都不敢开，"],
            &["请督促物业加强保洁和清运。", "希望物业按合同把保洁做到位。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "property_management.fees",
        kinds: &[IN, CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 6,
        titles: &["物业收费有异议", "咨询物业收费调整", "物业收费不透明"],
        parts: &[
            &["{openb}"],
            &[
                "物业贴出通知，物业费从每平方米{fee}元涨到{fee2}元，",
                "物业公司停车费一年里涨了两次，",
            ],
            &["没有开业主大会征求意见，", "服务质量却一点没提高，"],
            &[
                "想咨询调价是否符合规定。",
                "希望业委会公开物业费收支情况，{jwh}帮忙把关。",
            ],
        ],
        location: AT_ESTATE,
    },
    Template {
        category: "property_management.security",
        kinds: &[CO, SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 6,
        titles: &["小区门岗管理松散", "小区安防不到位", "外来人员随意进出"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}{gate}门岗晚上经常没人值班，",
                "{estate}的门禁坏了{ldur}，",
            ],
            &[
                "外来人员随意进出，前几天{bldg}有人家的电瓶车被偷了，",
                "发小广告的人整天进楼，",
            ],
            &[
                "希望物业加强门岗管理。",
                "请督促物业尽快修好门禁、落实夜间巡逻。",
            ],
        ],
        location: AT_GATE,
    },
    Template {
        category: "violations.occupying_public_space",
        kinds: &[RE, CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 6,
        titles: &["楼道堆物堵塞通道", "楼道堆放杂物", "消防通道被堵"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}{unit}单元楼道里堆满了旧家具、纸板箱，",
                "{bldg}有住户在楼道里堆放大量废品，",
            ],
            &["消防通道被堵，存在火灾隐患，", "晚上上下楼很容易磕碰，"],
            &[
                "希望物业组织清理。",
                "希望{jwh}和物业一起上门做工作，清理楼道。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "property_management.maintenance_fund",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Flat,
        weight: 5,
        titles: &["咨询维修资金使用", "维修资金申请咨询"],
        parts: &[
            &["{bldg}楼组长{name}来站咨询："],
            &[
                "本楼屋面防水层老化，顶楼几户都漏水，",
                "本楼外墙有多处空鼓，已经掉过墙皮，",
            ],
            &[
                "想了解怎么申请使用专项维修资金，要多少户签字同意，多久能批下来。",
                "物业说要动用维修资金，想问流程和各户要分摊多少。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "property_management.owners_committee",
        kinds: &[IN, SU],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["业委会履职问题", "反映业委会问题"],
        parts: &[
            &["{open}"],
            &[
                "{estate}业委会任期已满{months}个月还没换届，",
                "{estate}业委会一年多没开过会，重大事项业主都不知道，",
            ],
            &[
                "想了解换届的程序和进度。",
                "希望{jwh}指导业委会依法履职，定期公开账目。",
            ],
        ],
        location: AT_ESTATE,
    },
    Template {
        category: "property_management.service_quality",
        kinds: &[PR],
        urgent: false,
        fit: Fit::Flat,
        weight: 3,
        titles: &["表扬物业维修师傅", "感谢物业及时抢修"],
        parts: &[
            &["{open}"],
            &[
                "前几天夜里家里水泵坏了，物业维修工{sur2}师傅冒雨赶来，",
                "物业管家{name2}知道本人独居、行动不便，",
            ],
            &[
                "忙到半夜修好才走，一分钱也没收，",
                "经常上门帮忙换灯泡、修水龙头，",
            ],
            &["特来表扬，希望物业公司给予表彰。"],
        ],
        location: AT_ESTATE,
    },
    // ======== 违法违规 violations ========
    Template {
        category: "violations.group_renting",
        kinds: &[RE, RE, CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 12,
        titles: &["{bldg}疑似群租", "群租扰民", "群租房安全隐患"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}{room}室被二房东隔成{rooms}间，住了{ppl}个人，",
                "{estate}{bldg}{room}室是群租房，进进出出有十几个人，",
            ],
            &[
                "进出人员复杂，半夜还在楼道里大声打电话，",
                "卫生间整天有人用，漏水漏到楼下，",
                "阳台上拉满电线给电瓶车充电，",
            ],
            &[
                "楼里老人晚上都不敢出门，希望有关部门尽快整治。",
                "存在很大的消防隐患，请依法查处。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "violations.group_renting",
        kinds: &[RE, CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 6,
        titles: &["居改非开店扰民", "一楼住宅改商铺", "住宅违规开店"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}一楼住户把阳台墙打通，开了一家{shop}，",
                "{estate}沿街一楼的住宅被改成了{shop}，",
            ],
            &[
                "油烟直接往楼上窜，楼上住户窗户都不敢开，",
                "每天营业到半夜，门口垃圾成堆，",
            ],
            &[
                "这属于居改非，请城管依法查处。",
                "希望有关部门依法取缔，并防止反弹。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "violations.illegal_building",
        kinds: &[RE],
        urgent: false,
        fit: Fit::Flat,
        weight: 7,
        titles: &["违章搭建举报", "违法搭建需制止", "举报违章搭建"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}顶楼住户正在楼顶搭建阳光房，",
                "{bldg}一楼住户把花园围起来盖了一间砖房，",
                "{estate}有住户在公共绿地上搭棚子堆东西，",
            ],
            &["已经施工{days}天，", "楼里居民去劝阻，对方根本不理，"],
            &["请城管尽快制止并依法拆除。", "希望趁还没完工赶快来处理。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "violations.noise",
        kinds: &[CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 8,
        titles: &["沿街商铺噪声扰民", "店铺排风扇噪声扰民", "油烟噪声扰民"],
        parts: &[
            &["{open}"],
            &[
                "{road}上一家{shop}的排风扇正对着{estate}{bldg}，",
                "小区对面{road}的{shop}外机和排风扇，",
            ],
            &[
                "{time}还在轰轰响，",
                "从下午一直开到半夜，油烟味直往家里灌，",
            ],
            &[
                "家里老人心脏不好，根本睡不着，找店家交涉过多次没有用，",
                "孩子要高考，晚上没法复习，",
            ],
            &[
                "希望相关部门尽快处理。",
                "请城管和环保部门上门检测噪声并处理。",
            ],
        ],
        location: AT_ROAD,
    },
    Template {
        category: "violations.noise",
        kinds: &[CO],
        urgent: false,
        fit: Fit::Any,
        weight: 6,
        titles: &["夜间施工运输扰民", "工地夜间扰民", "夜间噪声扰民"],
        parts: &[
            &["{openb}"],
            &[
                "{road}附近的工地{time}还在施工，",
                "{road}上的渣土车{time}来来往往，",
            ],
            &[
                "打桩声、喇叭声吵得整幢楼都睡不着，",
                "{dur}天天如此，很多居民已经被吵得神经衰弱，",
            ],
            &[
                "请查一下有没有夜间施工许可，并督促文明施工。",
                "希望有关部门依法处理。",
            ],
        ],
        location: AT_CROSS,
    },
    Template {
        category: "violations.occupying_public_space",
        kinds: &[CO, RE],
        urgent: false,
        fit: Fit::Any,
        weight: 6,
        titles: &["公共空间被占用", "占道乱象需整治"],
        parts: &[
            &["{openb}"],
            &[
                "{road}菜场门口流动摊贩占道经营，",
                "{estate}有居民把公共绿地挖了种菜，还浇粪水，",
                "{road}人行道上被饭店摆满了桌子，",
            ],
            &[
                "行人只能走到机动车道上，很危险，",
                "夏天臭味很大，还招蚊子，",
                "{dur}越来越严重，",
            ],
            &["请城管加强管理。", "希望依法整治，恢复原状。"],
        ],
        location: AT_CROSS,
    },
    Template {
        category: "violations.fire_hazards",
        kinds: &[RE],
        urgent: false,
        fit: Fit::Flat,
        weight: 6,
        titles: &["电瓶车飞线充电", "楼道电瓶车充电隐患", "飞线充电举报"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}有住户从{floor}楼窗户拉电线下来给电瓶车充电，",
                "{bldg}楼道里停着好几辆电瓶车，每天晚上都在楼道里充电，",
            ],
            &["存在很大的火灾隐患，", "楼道是唯一的逃生通道，"],
            &[
                "一旦起火后果不堪设想，请尽快处理。",
                "希望物业和消防部门上门检查整改，并增设充电桩。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "neighbour_disputes.renovation",
        kinds: &[RE],
        urgent: false,
        fit: Fit::Flat,
        weight: 4,
        titles: &["装修疑似拆承重墙", "违规装修举报"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}{room}室正在装修，",
                "{bldg}{room}室新搬来的住户在装修，",
            ],
            &[
                "听声音在砸墙，楼下住户发现天花板出现裂缝，",
                "把厨房和阳台之间的墙全拆了，",
            ],
            &["怀疑拆改了承重结构，请房管部门尽快上门检查。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "violations.pollution",
        kinds: &[CO, RE],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["油烟直排扰民", "污水直排问题", "油烟污水排放问题"],
        parts: &[
            &["{openb}"],
            &[
                "{road}上的{shop}没装油烟净化器，油烟直接排到居民楼，",
                "{road}一家洗车店把污水直接排进雨水井，",
                "{estate}附近的小作坊每天往河里排脏水，",
            ],
            &[
                "{dur}越来越严重，",
                "周边居民窗户都不敢开，",
                "附近气味很大，",
            ],
            &["请环保和城管部门查处。", "希望有关部门依法处理。"],
        ],
        location: AT_ROAD,
    },
    Template {
        category: "violations.unlicensed_business",
        kinds: &[RE],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["举报无证经营", "无证经营存在隐患"],
        parts: &[
            &["{openb}"],
            &[
                "{road}有一家没有招牌的“诊所”，给老人挂水打针，",
                "{estate}一套住宅里开了个无证托管班，十几个孩子挤在里面，",
                "{road}路边有人无证收购废品，废品堆得像小山，",
            ],
            &["不知道有没有资质，", "存在很大的安全隐患，"],
            &["请有关部门查一查。", "希望依法取缔。"],
        ],
        location: AT_ROAD,
    },
    // ======== 邻里纠纷 neighbour_disputes ========
    Template {
        category: "neighbour_disputes.leaks",
        kinds: &[CO, HE],
        urgent: false,
        fit: Fit::Flat,
        weight: 9,
        titles: &["楼上渗水协商无果", "楼上漏水邻里纠纷", "卫生间渗水纠纷"],
        parts: &[
            &["{open}"],
            &[
                "楼上{up}室卫生间漏水，自家天花板和墙面都发霉了，",
                "楼上{up}室装修后，自家厨房顶上一直渗水，",
            ],
            &[
                "找过楼上{n}次，对方不承认是他家的问题，也不让进门查看，",
                "楼上是出租户，房东在外地联系不上，",
            ],
            &["希望{jwh}出面调解。", "希望社区调解，请专业人员检测漏点。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "neighbour_disputes.household_noise",
        kinds: &[CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 8,
        titles: &["邻居噪声影响休息", "邻里噪声纠纷", "深夜噪音扰民"],
        parts: &[
            &["{open}"],
            &[
                "楼上{up}室{time}不是拖椅子就是小孩跳绳、拍球，",
                "隔壁邻居{time}打麻将，洗牌声、说话声很大，",
                "楼上住户{time}在家唱卡拉OK，",
            ],
            &[
                "本人{eage}岁，有高血压，吵得整夜睡不着，",
                "上门沟通过，对方态度很差，",
            ],
            &["希望{jwh}帮忙调解。", "希望社区出面协调，不想把关系闹僵。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "neighbour_disputes.pets",
        kinds: &[CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 6,
        titles: &["邻居养犬扰民", "不文明养犬", "养犬问题纠纷"],
        parts: &[
            &["{open}"],
            &["同楼邻居养了一条{dog}，", "{bldg}有住户养了好几条狗，"],
            &[
                "遛狗不牵绳，前几天差点扑倒小孩，",
                "狗整天叫，楼道里到处是狗粪，",
                "白天主人上班，狗在家里叫个不停，",
            ],
            &[
                "希望{jwh}上门劝导，必要时请派出所处理。",
                "希望督促文明养犬。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "neighbour_disputes.shared_spaces",
        kinds: &[CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 6,
        titles: &["邻居占用公共走廊", "公共部位被占用", "邻居侵占公共空间"],
        parts: &[
            &["{open}"],
            &[
                "对门邻居把鞋柜、旧冰箱放在公共走廊，",
                "隔壁邻居在楼道里装了一道铁门，把公共部位圈进自己家，",
                "一楼邻居在公共晾衣区搭了棚子，",
            ],
            &[
                "进出很不方便，说了几次也不肯搬，",
                "为此双方已经吵过好几次，",
            ],
            &["希望{jwh}出面协调。", "请社区上门调解，恢复公共通道。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "neighbour_disputes.household_noise",
        kinds: &[CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 4,
        titles: &["空调外机纠纷", "空调外机安装纠纷"],
        parts: &[
            &["{open}"],
            &[
                "邻居新装的空调外机正对着自家卧室窗户，热风和噪声让人受不了，",
                "楼上空调冷凝水一直滴在自家遮阳篷上，{time}滴滴答答响，吵得睡不着，",
            ],
            &["协商未果，希望{jwh}帮忙调解。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "neighbour_disputes.shared_spaces",
        kinds: &[CO, HE],
        urgent: false,
        fit: Fit::Village,
        weight: 4,
        titles: &["村民邻里纠纷", "宅前屋后纠纷", "邻里纠纷请求调解"],
        parts: &[
            &["{comm}村民{name}来村委会反映，"],
            &[
                "邻居翻建房屋时把宅前排水沟填了，",
                "与邻居因宅基地界址问题发生争执，",
                "邻居在自家宅前路上堆了建材，",
            ],
            &["一下雨自家院子就积水，", "双方多次争吵，差点动手，"],
            &["希望村委会出面调解。", "请村调解委员会帮忙处理。"],
        ],
        location: AT_COMM,
    },
    Template {
        category: "neighbour_disputes.shared_spaces",
        kinds: &[RE, CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 4,
        titles: &["楼上高空抛物", "高空抛物隐患"],
        parts: &[
            &["{openb}"],
            &[
                "{bldg}有住户经常往楼下扔烟头、果皮，",
                "{bldg}楼上有人往下倒剩菜剩饭，",
            ],
            &[
                "楼下晾的衣服都被弄脏了，",
                "楼下是小孩玩耍的地方，非常危险，",
            ],
            &["希望查明是哪户并上门教育。", "建议安装高空抛物监控。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "neighbour_disputes.light_and_view",
        kinds: &[CO],
        urgent: false,
        fit: Fit::Flat,
        weight: 4,
        titles: &["邻居搭建遮挡采光", "采光被遮挡纠纷"],
        parts: &[
            &["{open}"],
            &[
                "楼下邻居在院子里加了个高高的遮阳棚，",
                "前面一楼住户在窗前种了一排竹子，长得比二楼还高，",
                "隔壁邻居在阳台外装了一个大雨棚，",
            ],
            &[
                "自家窗户被挡得严严实实，白天屋里都很暗，",
                "老人冬天晒不到太阳，",
            ],
            &["和邻居沟通没有结果，希望{jwh}出面协调。"],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "neighbour_disputes.family",
        kinds: &[HE, CO],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["赡养纠纷请求调解", "家庭纠纷求助", "子女不尽赡养义务"],
        parts: &[
            &[
                "{addr}{elder}（{eage}岁）来站反映，",
                "{addr}{elder}（{eage}岁）的邻居{name}反映，",
            ],
            &[
                "老人有{n}个子女，为了轮流照顾的事互相推脱，",
                "老人的房子被{rel}占着，老人自己只能住在车库里，",
                "{rel}每次来都跟老人要钱，不给就吵，",
            ],
            &[
                "希望{jwh}和调解委员会出面调解。",
                "希望社区出面做子女的工作，必要时帮老人申请法律援助。",
            ],
        ],
        location: AT_BLDG,
    },
    // ======== 党员权益 member_rights ========
    Template {
        category: "member_rights.transfer",
        kinds: &[IN, HE],
        urgent: false,
        fit: Fit::Flat,
        weight: 8,
        titles: &["咨询组织关系转入", "组织关系转接", "外省组织关系转入"],
        parts: &[
            &["党员{name}来站反映，"],
            &[
                "本人{from}年入党，组织关系在{home}老家村里，",
                "本人是退休党员，组织关系还在{home}原单位，",
            ],
            &[
                "现随子女在{estate}常住，",
                "现在跟{kid}住在本小区帮忙带孩子，",
            ],
            &[
                "想把组织关系转到居住地党组织，问需要哪些手续。",
                "老家支部说可以开介绍信，想问这边怎么接收、网上转接怎么操作。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "member_rights.transfer",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["退休后组织关系转社区", "咨询退休党员关系转接"],
        parts: &[
            &["{addr}党员{name}来站咨询，"],
            &[
                "本人下个月从{work}退休，",
                "本人{months}个月前退休，单位党组织让转到居住地社区，",
            ],
            &[
                "组织关系要转到社区，想问需要准备什么、党费怎么交。",
                "想了解转到社区后编在哪个支部、平时怎么参加活动。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "member_rights.right_to_know",
        kinds: &[SU, IN],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["党务公开建议", "希望公开帮困情况", "党务公开诉求"],
        parts: &[
            &["老党员{name}等{n}人来站提出，"],
            &[
                "希望支部公开今年党费返还和助困基金的使用情况，",
                "希望把年底帮困对象的名单和标准在党务公开栏公示，",
            ],
            &["让党员心里有数。", "这样大家更放心，也能监督。"],
        ],
        location: AT_STATION,
    },
    Template {
        category: "member_rights.right_to_participate",
        kinds: &[IN, SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 4,
        titles: &["希望参与支部事务", "党员参与议事诉求"],
        parts: &[
            &["党员{name}来站反映，"],
            &[
                concat!(
                    "听说支部要换届选举，本人是在职报到党员，想问能不能参加选举，",
                    "也希望候选人名单能提前公示。",
                ),
                "小区综合改造方案已经开始公示，建议在实施前召开党员和居民议事会，充分听取意见。",
                "支部今年的工作计划还没定，希望正式召开党员大会之前先听听大家的意见。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "member_rights.right_to_oversee",
        kinds: &[CO, RE],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["反映工作人员推诿", "对办事作风提意见"],
        parts: &[
            &["党员{name}反映，"],
            &[
                "本人去办理{svc}，窗口工作人员态度生硬，让来回跑了{n}趟，",
                "上次反映的问题过了{days}天没有任何回音，",
            ],
            &[
                "希望加强对工作人员作风的监督。",
                "希望诉求站跟踪督办，给个明确答复。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "member_rights.right_to_know",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["咨询光荣在党50年纪念章", "老党员慰问咨询"],
        parts: &[
            &["{addr}老党员{ename}（{eage}岁）的{rel}来站咨询，"],
            &["老人{from50}年入党，", "老人党龄已经满五十年，"],
            &[
                "想问“光荣在党50年”纪念章怎么申请、什么时候颁发。",
                "老人卧床不能到场，问纪念章能不能送到家里。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "member_rights.right_to_express",
        kinds: &[SU],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["党员提出意见建议", "希望意见得到回应"],
        parts: &[
            &["老党员{name}来站反映，", "党员{name}在支部大会后提出，"],
            &[
                "对小区综合改造中的几个问题有想法，",
                "对居民区党组织的工作有一些意见，",
                "上次在党员大会上提的建议一直没有下文，",
            ],
            &[
                "希望有机会当面向书记反映。",
                "希望支部建立一个党员提意见的渠道，并及时反馈。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "member_rights.dues",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["咨询党费缴纳标准", "党费缴纳咨询"],
        parts: &[
            &["{addr}党员{name}来站咨询，", "党员{name}来电咨询，"],
            &[
                "本人今年退休，退休金每月{pension}元，",
                "本人调到新单位后，",
                "本人常年在外地工作，",
            ],
            &[
                "想问党费按什么标准交、每月交多少。",
                "想问现在党费怎么交、能不能网上交。",
            ],
        ],
        location: AT_STATION,
    },
    // ======== 组织生活 organization_life ========
    Template {
        category: "organization_life.nearby_activities",
        kinds: &[HE, IN],
        urgent: false,
        fit: Fit::Flat,
        weight: 7,
        titles: &["希望就近参加组织生活", "退休党员就近参加活动"],
        parts: &[
            &["{addr}退休党员{name}来站反映，"],
            &[
                "本人组织关系在{work}退管会，单位离家有二十多公里，",
                "本人年纪大了，去原单位支部过组织生活要转两趟公交，",
            ],
            &[
                "想在本小区就近参加支部活动和党课学习。",
                "希望能在社区报个到，平时就近参加学习，也能出点力。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "organization_life.in_service_registration",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 6,
        titles: &["在职党员社区报到", "咨询在职党员报到"],
        parts: &[
            &["住在{estate}的在职党员{name}来电咨询，"],
            &[
                "本人在{work}工作，单位要求到居住地社区报到，",
                "本人是{work}的党员，刚搬到{comm}，",
            ],
            &[
                "想问怎么报到、社区有哪些服务岗位可以认领。",
                "想认领一个周末的志愿服务岗位。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "organization_life.volunteering",
        kinds: &[HE, SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 6,
        titles: &["报名参加志愿服务", "党员志愿者报名"],
        parts: &[
            &["党员{name}来站报名，"],
            &[
                "想参加周末的助老志愿服务，",
                "本人退休前是电工，愿意义务为小区老人修修电器，",
                "愿意参加垃圾分类督导和楼道巡查，",
            ],
            &["每周可以抽出半天时间。", "希望能编入党员志愿者服务队。"],
        ],
        location: AT_STATION,
    },
    Template {
        category: "organization_life.floating_members",
        kinds: &[IN, HE],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["流动党员参加组织生活", "流动党员交党费咨询"],
        parts: &[
            &["在{estate}租住的外来务工人员{name}来站反映，"],
            &[
                "本人是{home}的流动党员，在附近的{job}岗位上班，",
                "本人是党员，来上海打工{years}年了，",
            ],
            &[
                "很久没过组织生活了，想在这边参加活动、交党费。",
                "想问流动党员能不能在社区参加学习，老家支部联系不便。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "organization_life.study",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["申请送学上门", "卧床党员参加学习"],
        parts: &[
            &["{addr}老党员{ename}（{eage}岁）的{rel}反映，"],
            &[
                "老人患{ill}，出不了门，但一直惦记着支部的学习，",
                "老人行动不便，每次支部开会都问有没有通知{ta}，",
            ],
            &[
                "希望支部能送学上门，把学习资料带给老人。",
                "希望党小组开会时能到家里来开一次。",
            ],
        ],
        location: AT_BLDG,
    },
    Template {
        category: "organization_life.nearby_activities",
        kinds: &[SU],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["建议丰富组织生活形式", "组织生活形式建议"],
        parts: &[
            &["党员{name}提出，"],
            &[
                "现在支部活动大多在工作日白天，在职党员参加不了，",
                "支部学习形式比较单一，年轻党员参与积极性不高，",
            ],
            &[
                "建议把部分活动放到周末或晚上，或者结合志愿服务一起搞。",
                "建议多组织实地参观、结对服务等活动。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "organization_life.joining",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["咨询入党申请", "想递交入党申请书"],
        parts: &[
            &[
                "{jm}{name}（{age}岁）来站咨询，",
                "社区志愿者{name}来站表示，",
            ],
            &[
                "在社区做志愿者{years}年了，很受党员的感染，",
                "本人在{work}工作，",
            ],
            &[
                "想递交入党申请书，不知道该向哪个支部递交。",
                "想了解入党的条件和程序。",
            ],
        ],
        location: AT_STATION,
    },
    // ======== 就业创业 jobs_business ========
    Template {
        category: "jobs_business.job_seeking",
        kinds: &[HE],
        urgent: false,
        fit: Fit::Any,
        weight: 7,
        titles: &["失业人员求职帮助", "就业困难人员求助", "求推荐附近工作"],
        parts: &[
            &["{addr}{jm}{name}（{age}岁）来站反映，"],
            &[
                "原来在工厂上班，厂子搬迁后失业{months}个月，",
                "原来在商场做营业员，商场关门后一直没找到工作，",
            ],
            &[
                "家里还有老人要照顾，只能在附近上班，",
                "年纪大了去招聘会都被拒，",
            ],
            &[
                "希望社区推荐附近的工作，{job}都可以。",
                "希望能帮忙认定就业困难人员，推荐公益性岗位。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "jobs_business.training",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["咨询职业技能培训补贴", "技能培训报名咨询"],
        parts: &[
            &["{jm}{name}来电咨询，"],
            &[
                "想参加养老护理员培训，",
                "想考育婴师证，",
                "想学电工、考上岗证，",
            ],
            &[
                "问社区有没有免费培训，培训后能不能推荐工作。",
                "想了解培训补贴怎么申请、要符合什么条件。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "jobs_business.startups",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["咨询创业担保贷款", "开店创业政策咨询"],
        parts: &[
            &["{jm}{name}（{age}岁）来站咨询，"],
            &[
                "想在{road}开一家早餐店，",
                "想和朋友合伙开一家家政服务公司，",
                "想在网上开店卖松江大米，",
            ],
            &[
                "问创业担保贷款怎么申请、有没有贴息，营业执照到哪里办。",
                "想了解有没有创业补贴和场地支持。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "jobs_business.wage_arrears",
        kinds: &[HE, CO],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["讨要拖欠工资", "工资被拖欠求助", "欠薪求助"],
        parts: &[
            &["{open}"],
            &[
                "在{road}一家装修公司干了{months}个月，",
                "{rel2}在附近工地做了半年小工，",
            ],
            &[
                "老板拖欠工资{amt}元，一直推说工程款没结，",
                "工程结束后包工头联系不上，还欠{amt}元工钱，",
            ],
            &[
                "希望社区帮忙联系劳动监察部门讨薪。",
                "想咨询怎么申请劳动仲裁。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "jobs_business.social_insurance",
        kinds: &[IN],
        urgent: false,
        fit: Fit::Any,
        weight: 5,
        titles: &["社保缴费咨询", "咨询社保续缴"],
        parts: &[
            &["{jm}{name}（{age}岁）来站咨询，"],
            &[
                "本人目前灵活就业，社保断缴了{months}个月，想问怎么续缴、断缴会不会影响医保。",
                concat!(
                    "本人明年到退休年龄，缴费年限差一年多，想问能不能补缴，",
                    "延迟退休政策对自己有什么影响。",
                ),
                "本人刚从外省回上海工作，想问在外地交的社保怎么转过来。",
            ],
        ],
        location: AT_COMM,
    },
    Template {
        category: "jobs_business.labour_relations",
        kinds: &[HE, CO],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["劳动合同纠纷求助", "劳动关系咨询", "劳动权益求助"],
        parts: &[
            &["{open}"],
            &[
                "在附近一家工厂上了{years}年班，公司一直没签劳动合同，",
                "公司突然通知搬迁，要求员工自己辞职，不给补偿，",
                "上班时受了工伤，公司不肯申报工伤认定，",
            ],
            &["想咨询怎么维权。", "希望社区帮忙联系劳动监察或法律援助。"],
        ],
        location: AT_COMM,
    },
    Template {
        category: "jobs_business.flexible_work",
        kinds: &[IN, HE],
        urgent: false,
        fit: Fit::Any,
        weight: 4,
        titles: &["灵活就业咨询", "灵活就业人员求助"],
        parts: &[
            &["{open}"],
            &[
                "本人目前送外卖，",
                "本人在网上接单做家政保洁，",
                "本人开网约车，",
            ],
            &[
                "想办理灵活就业登记，问有没有社保补贴。",
                "想了解灵活就业人员的职业伤害保障怎么参保。",
            ],
        ],
        location: AT_COMM,
    },
    // ======== 意见建议 suggestions ========
    Template {
        category: "suggestions.public_services",
        kinds: &[SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 7,
        titles: &["建议开设老年助餐点", "建议增设长者食堂", "老年助餐点建议"],
        parts: &[
            &["{openb}"],
            &[
                "小区老人多，最近的长者食堂在{road}，走过去要二十多分钟，",
                "{estate}六十岁以上老人占了三分之一，独居老人不少，",
            ],
            &[
                "建议在{estate}活动室开设老年助餐点，",
                "建议和附近的饭店合作设一个老年助餐点，",
            ],
            &[
                "行动不便的老人能送餐上门就更好了。",
                "价格实惠一点，老人都愿意来吃。",
            ],
        ],
        location: AT_ESTATE,
    },
    Template {
        category: "suggestions.planning",
        kinds: &[SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 5,
        titles: &["小区设施改善建议", "建议增设公共设施", "社区活动设施建议"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}中心步道很长，老人走一圈要歇好几次，建议沿步道加装几张座椅和遮阳棚。",
                "小区里小孩越来越多，却没有一处游乐场地，建议利用闲置的空地改造一个儿童游乐场所。",
                concat!(
                    "{estate}的活动室面积太小，排舞队、合唱队都挤不下，",
                    "建议协调附近闲置用房作为居民活动场所。",
                ),
            ],
        ],
        location: AT_ESTATE,
    },
    Template {
        category: "suggestions.transport",
        kinds: &[SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 5,
        titles: &["建议优化公交线路", "建议增设公交站点", "公交班次建议"],
        parts: &[
            &["{openb}"],
            &[
                "{estate}附近只有一条公交线路，高峰时间要等半个多小时，",
                "从小区到区中心医院没有直达公交，老人看病要换两次车，",
                "{road}上的公交站离小区太远，",
            ],
            &[
                "建议增加班次或新设一条社区巴士。",
                "建议在{road}与{road2}路口增设公交站点。",
            ],
        ],
        location: AT_CROSS,
    },
    Template {
        category: "suggestions.environment",
        kinds: &[SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 4,
        titles: &["调整垃圾投放时间", "垃圾分类投放建议"],
        parts: &[
            &["{openb}"],
            &[
                concat!(
                    "小区湿垃圾定时投放时间是早上七点到九点、晚上六点到八点，上班族经常赶不上，",
                    "只好把垃圾放在厢房外面，建议延长投放时间或增设误时投放点。",
                ),
                concat!(
                    "小区垃圾厢房只开了一个，离{bldg}太远，老人拎着垃圾走过去很吃力，",
                    "建议再增设一个投放点。",
                ),
            ],
        ],
        location: AT_ESTATE,
    },
    Template {
        category: "suggestions.station_work",
        kinds: &[PR],
        urgent: false,
        fit: Fit::Flat,
        weight: 6,
        titles: &["感谢热心帮助", "表扬社区工作人员", "感谢社区干部"],
        parts: &[
            &[
                "{addr}{jm}{name}送来锦旗，",
                "{addr}{jm}{name}来电表扬，",
                "{addr}{elder}（{eage}岁）的{rel}专程来站，",
            ],
            &[
                "感谢网格员{name2}",
                "感谢{jwh}干部{name2}",
                "感谢党员诉求站和楼组长{name2}",
            ],
            &[
                "前后跑了十几趟，帮忙解决了困扰多年的漏水问题。",
                "在老人住院期间天天上门照看，帮忙办理了长护险。",
                "帮忙协调好了楼上楼下的纠纷，邻居又和好了。",
                "雨天冒雨帮忙疏通了下水道。",
            ],
        ],
        location: AT_STATION,
    },
    Template {
        category: "suggestions.planning",
        kinds: &[SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 4,
        titles: &["建议增设电瓶车充电桩", "充电设施建议"],
        parts: &[
            &["{openb}"],
            &[
                "小区只有{n}个电瓶车充电桩，远远不够，",
                "{estate}一直没有集中充电点，",
            ],
            &[
                "不少住户只好把电瓶推回家里或者飞线充电，",
                "晚上充电要排队，",
            ],
            &[
                "建议在{bldg}附近增设集中充电车棚。",
                "建议物业尽快引进充电桩。",
            ],
        ],
        location: AT_ESTATE,
    },
    Template {
        category: "suggestions.community_governance",
        kinds: &[SU],
        urgent: false,
        fit: Fit::Flat,
        weight: 4,
        titles: &["建议成立楼组议事会", "社区治理建议", "建议制定居民公约"],
        parts: &[
            &["{openb}"],
            &[
                "小区里停车、养狗、堆物这些问题反复出现，",
                "楼里很多事情大家意见不一，总是吵来吵去，",
            ],
            &[
                "建议成立楼组议事会，大家坐下来商量着办。",
                "建议制定居民公约，由楼组长和党员带头遵守。",
                "建议每季度开一次居民议事会，邀请物业和业委会一起参加。",
            ],
        ],
        location: AT_ESTATE,
    },
];

// ---------------------------------------------------------------------------------------
// Slots
// ---------------------------------------------------------------------------------------

/// The slot values of one appeal, drawn once.
struct Ctx<'a> {
    comm: &'a str,
    /// Community name without 居民区/村, for estate names.
    stem: &'a str,
    village: bool,
    /// Address as a house in a village group rather than a flat.
    rural: bool,
    estate_suffix: &'static str,
    estate_listed: Option<&'static str>,
    bld: u32,
    floor: u32,
    room: u32,
    unit: u32,
    grp: u32,
    hno: u32,
    hf: u32,
    name: (&'static str, &'static str),
    name_female: bool,
    /// 0 born 1930s–1950s, 1 born 1960s–1980s, 2 born 1990s on.
    name_gen: usize,
    name2: (&'static str, &'static str),
    name2_female: bool,
    esur: &'static str,
    egiven: &'static str,
    efemale: bool,
    eage: u32,
    age: u32,
    py: u32,
    from: u32,
    /// A joining year at least fifty years back.
    from50: u32,
    acute: &'static str,
    rel: &'static str,
    rel2: &'static str,
    rel3: &'static str,
    kid: &'static str,
    dur: &'static str,
    dur2: &'static str,
    ldur: &'static str,
    time: &'static str,
    road: &'static str,
    road2: &'static str,
    gate: &'static str,
    shop: &'static str,
    dog: &'static str,
    ill: &'static str,
    home: &'static str,
    work: &'static str,
    job: &'static str,
    fest: &'static str,
    svc: &'static str,
    n: u32,
    ppl: u32,
    rooms: u32,
    pension: u32,
    amt: u32,
    wan: u32,
    selfpay: u32,
    days: u32,
    months: u32,
    years: u32,
    hrs: u32,
    no: u32,
    fee: u32,
    fee2: u32,
}

/// A village (村) rather than a residential community (居民区).
fn is_village(community_name: &str) -> bool {
    community_name.ends_with('村')
}

fn pick<T: Copy>(rng: &mut impl Rng, xs: &[T]) -> T {
    xs[rng.gen_range(0..xs.len())]
}

impl<'a> Ctx<'a> {
    fn new(rng: &mut impl Rng, comm: &'a str, rural: bool) -> Self {
        let (stem, village) = if let Some(s) = comm.strip_suffix("居民区") {
            (s, false)
        } else if let Some(s) = comm.strip_suffix('村') {
            (s, true)
        } else {
            (comm, false)
        };
        let estate_listed = if rng.gen_ratio(1, 3) {
            Some(pick(rng, ESTATES))
        } else {
            None
        };
        let estate_suffix = if village {
            pick(rng, &["新苑", "安置小区", "村动迁小区"])
        } else if stem.ends_with('村') || stem.ends_with('苑') {
            ""
        } else {
            pick(rng, &["小区", "新村", "小区", "苑"])
        };
        // Rooms from the second floor up, so "the flat below" always exists.
        let floor = rng.gen_range(2..=6);
        let unit = rng.gen_range(1..=4);
        let road = pick(rng, ROADS);
        let mut road2 = pick(rng, ROADS);
        if road2 == road {
            road2 = ROADS[(ROADS.iter().position(|r| *r == road).unwrap_or(0) + 7) % ROADS.len()];
        }
        let name_female = rng.gen_bool(0.5);
        let name_gen = rng.gen_range(0..3);
        let name = (surname(rng), given_name_of(rng, name_female, name_gen));
        let name2_female = rng.gen_bool(0.5);
        let generation = rng.gen_range(1..3);
        let name2 = (surname(rng), given_name_of(rng, name2_female, generation));
        let efemale = rng.gen_ratio(3, 5);
        let eage = rng.gen_range(68..=97);
        let fee = rng.gen_range(6..=25) * 10;
        Ctx {
            comm,
            stem,
            village,
            rural,
            estate_suffix,
            estate_listed,
            bld: rng.gen_range(1..=48),
            floor,
            room: floor * 100 + unit,
            unit: rng.gen_range(1..=4),
            grp: rng.gen_range(1..=14),
            hno: rng.gen_range(1..=160),
            hf: rng.gen_range(11..=33),
            name,
            name_female,
            name_gen,
            name2,
            name2_female,
            esur: surname(rng),
            egiven: given_name_of(rng, efemale, 0),
            efemale,
            eage,
            age: rng.gen_range(36..=59),
            // Joined at eighteen at the earliest.
            py: rng.gen_range(18..=(eage - 18).min(66)),
            from: rng.gen_range(1956..=2008),
            from50: rng.gen_range(1950..=1975),
            acute: pick(rng, ACUTE),
            rel: pick(rng, RELATIVES),
            rel2: pick(rng, FAMILY),
            rel3: pick(rng, PARENTS),
            kid: pick(rng, KIDS),
            dur: pick(rng, DURATIONS),
            dur2: pick(rng, PAST),
            ldur: pick(rng, LONG_DURATIONS),
            time: pick(rng, TIMES),
            road,
            road2,
            gate: pick(rng, GATES),
            shop: pick(rng, SHOPS),
            dog: pick(rng, DOGS),
            ill: pick(rng, ILLNESSES),
            home: pick(rng, HOMETOWNS),
            work: pick(rng, WORKPLACES),
            job: pick(rng, JOBS),
            fest: pick(rng, FESTIVALS),
            svc: pick(rng, SERVICES),
            n: rng.gen_range(2..=6),
            ppl: rng.gen_range(10..=22),
            rooms: rng.gen_range(4..=9),
            pension: rng.gen_range(165..=480) * 10,
            amt: rng.gen_range(15..=120) * 100,
            wan: rng.gen_range(3..=38),
            selfpay: rng.gen_range(80..=900) * 100,
            days: rng.gen_range(3..=15),
            months: rng.gen_range(2..=9),
            years: rng.gen_range(2..=12),
            hrs: rng.gen_range(2..=7),
            no: rng.gen_range(1..=1200),
            fee,
            fee2: fee + rng.gen_range(2..=8) * 10,
        }
    }

    fn push_estate(&self, out: &mut String) {
        match self.estate_listed {
            Some(e) => out.push_str(e),
            None => {
                out.push_str(self.stem);
                out.push_str(self.estate_suffix);
            }
        }
    }

    fn push_bldg(&self, out: &mut String) {
        if self.rural {
            push_num(out, self.grp);
            out.push('组');
        } else {
            push_num(out, self.bld);
            out.push_str("号楼");
        }
    }

    fn push_addr(&self, out: &mut String) {
        if self.rural {
            push_num(out, self.grp);
            out.push('组');
            push_num(out, self.hno);
            out.push('号');
        } else {
            push_num(out, self.bld);
            out.push_str("号楼");
            push_num(out, self.room);
            out.push('室');
        }
    }

    fn push_name(out: &mut String, n: (&str, &str)) {
        out.push_str(n.0);
        out.push_str(n.1);
    }
}

fn push_num(out: &mut String, n: u32) {
    let _ = write!(out, "{n}");
}

/// Generic openers when the appellant speaks about their own home.
const OPEN: &[&str] = &[
    "{addr}{jm}{name}来站反映：",
    "{addr}{jm}{name}来电反映，",
    "网格员走访时，{addr}{jm}{name}反映：",
    "{jm}{name}（住{addr}）到党员诉求站反映，",
    "{name}（{addr}）通过网上诉求渠道反映：",
    "{addr}的{name}{sir}来站反映，",
];

/// Generic openers for matters of a building or the estate.
const OPEN_SHARED: &[&str] = &[
    "{bldg}楼组长{name}反映：",
    "{jm}{name}来站反映，",
    "{estate}多名居民反映：",
    "网格员巡查时，{jm}{name}反映：",
    "{name}等{n}位居民联名反映：",
    "{jm}{name}来电反映，",
    "{jm}{name}通过网上诉求渠道反映：",
];

/// Renders `tpl` into `out`, filling `{slot}`s from `c`.
fn render(out: &mut String, tpl: &str, c: &Ctx<'_>, rng: &mut impl Rng) {
    let mut pieces = tpl.split('{');
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    for piece in pieces {
        let Some(end) = piece.find('}') else {
            out.push('{');
            out.push_str(piece);
            continue;
        };
        slot(out, &piece[..end], c, rng);
        out.push_str(&piece[end + 1..]);
    }
}

fn slot(out: &mut String, key: &str, c: &Ctx<'_>, rng: &mut impl Rng) {
    match key {
        "comm" => out.push_str(c.comm),
        "jm" => out.push_str(if c.village { "村民" } else { "居民" }),
        "jwh" => out.push_str(if c.village { "村委会" } else { "居委会" }),
        "jw" => out.push_str(if c.village { "村委" } else { "居委" }),
        "estate" => c.push_estate(out),
        "bldg" => c.push_bldg(out),
        "addr" => c.push_addr(out),
        "bld" => push_num(out, c.bld),
        "floor" => push_num(out, c.floor),
        "room" => push_num(out, c.room),
        // The flat above; on the top floor, the rooftop is the neighbour below's concern.
        "up" => push_num(out, c.room + 100),
        "down" => push_num(
            out,
            if c.floor > 1 {
                c.room - 100
            } else {
                c.room + 100
            },
        ),
        "unit" => push_num(out, c.unit),
        "hf" => push_num(out, c.hf),
        "name" => Ctx::push_name(out, c.name),
        "name2" => Ctx::push_name(out, c.name2),
        "sur2" => out.push_str(c.name2.0),
        // How a station would address the appellant, by the generation of their name.
        "sir" => out.push_str(match (c.name_female, c.name_gen) {
            (true, 0) => "阿婆",
            (true, 1) => "阿姨",
            (true, _) => "女士",
            (false, 0) => "老伯",
            (false, 1) => "师傅",
            (false, _) => "先生",
        }),
        "elder" => {
            out.push_str(c.esur);
            out.push_str(if c.efemale { "阿婆" } else { "老伯" });
        }
        "ename" => {
            out.push_str(c.esur);
            out.push_str(c.egiven);
        }
        "ta" => out.push_str(if c.efemale { "她" } else { "他" }),
        "ta2" => out.push_str(if c.name2_female { "她" } else { "他" }),
        "eage" => push_num(out, c.eage),
        "age" => push_num(out, c.age),
        "py" => push_num(out, c.py),
        "from" => push_num(out, c.from),
        "from50" => push_num(out, c.from50),
        "acute" => out.push_str(c.acute),
        "rel" => out.push_str(c.rel),
        "rel2" => out.push_str(c.rel2),
        "rel3" => out.push_str(c.rel3),
        "kid" => out.push_str(c.kid),
        "dur" => out.push_str(c.dur),
        "dur2" => out.push_str(c.dur2),
        "ldur" => out.push_str(c.ldur),
        "time" => out.push_str(c.time),
        "road" => out.push_str(c.road),
        "road2" => out.push_str(c.road2),
        "gate" => out.push_str(c.gate),
        "shop" => out.push_str(c.shop),
        "dog" => out.push_str(c.dog),
        "ill" => out.push_str(c.ill),
        "home" => out.push_str(c.home),
        "work" => out.push_str(c.work),
        "job" => out.push_str(c.job),
        "fest" => out.push_str(c.fest),
        "svc" => out.push_str(c.svc),
        "n" => push_num(out, c.n),
        "ppl" => push_num(out, c.ppl),
        "rooms" => push_num(out, c.rooms),
        "pension" => push_num(out, c.pension),
        "amt" => push_num(out, c.amt),
        "wan" => push_num(out, c.wan),
        "self" => push_num(out, c.selfpay),
        "days" => push_num(out, c.days),
        "months" => push_num(out, c.months),
        "years" => push_num(out, c.years),
        "hrs" => push_num(out, c.hrs),
        "no" => push_num(out, c.no),
        "fee" => push_money(out, c.fee),
        "fee2" => push_money(out, c.fee2),
        "open" => {
            let t = pick(rng, OPEN);
            render(out, t, c, rng);
        }
        "openb" => {
            let t = pick(rng, OPEN_SHARED);
            render(out, t, c, rng);
        }
        other => {
            debug_assert!(false, "unknown slot {other}");
            out.push_str(other);
        }
    }
}

/// Cents as yuan with two decimals ("1.80").
fn push_money(out: &mut String, cents: u32) {
    let _ = write!(out, "{}.{:02}", cents / 100, cents % 100);
}

// ---------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------

/// Estate names of the kind found all over Songjiang (云间, 华亭, 茸城, 九峰, 三泖 are old
/// names of the place), not tied to any real address.
const ESTATES: &[&str] = &[
    "云间新苑",
    "华亭新苑",
    "茸城花苑",
    "谷水苑",
    "泖河花园",
    "九峰苑",
    "三泖新苑",
    "阳光花苑",
    "明华苑",
    "金鼎花园",
    "颐景园",
    "丽水华庭",
    "景和苑",
    "锦绣华庭",
    "南华苑",
    "东湖苑",
    "紫薇苑",
    "新城花园",
    "德润苑",
    "和顺苑",
    "春晖苑",
    "绿地新苑",
    "星辰家园",
    "嘉和苑",
    "荣华苑",
    "桂花园",
    "博雅苑",
    "翠竹苑",
];

const ROADS: &[&str] = &[
    "中山中路",
    "中山东路",
    "中山西路",
    "人民北路",
    "人民南路",
    "荣乐东路",
    "荣乐中路",
    "荣乐西路",
    "乐都路",
    "谷阳北路",
    "西林北路",
    "普照路",
    "松汇中路",
    "松汇西路",
    "文诚路",
    "广富林路",
    "沪亭北路",
    "九亭大街",
    "涞亭南路",
    "北松公路",
    "玉树路",
    "新松江路",
    "茸梅路",
    "梅家浜路",
    "银泽路",
    "龙源路",
    "三新北路",
    "嘉松南路",
    "江学路",
    "泗砖公路",
    "车亭公路",
    "叶新公路",
];

const GATES: &[&str] = &["东门", "南门", "西门", "北门", "后门", "正门"];

const SHOPS: &[&str] = &[
    "小饭店",
    "烧烤店",
    "火锅店",
    "面馆",
    "龙虾馆",
    "快餐店",
    "麻辣烫店",
    "夜宵店",
    "川菜馆",
];

const DOGS: &[&str] = &[
    "金毛",
    "阿拉斯加",
    "泰迪",
    "柯基",
    "中华田园犬",
    "哈士奇",
    "边牧",
];

/// Chronic conditions, as a noun ("患{ill}", "因{ill}行动不便").
const ILLNESSES: &[&str] = &[
    "脑梗后遗症",
    "糖尿病",
    "冠心病",
    "尿毒症",
    "肺癌",
    "帕金森病",
    "阿尔茨海默病",
    "慢阻肺",
    "高血压",
    "类风湿关节炎",
    "胃癌",
    "心衰",
    "肝硬化",
    "乳腺癌",
    "严重的骨质疏松",
];

/// Sudden illnesses ("突发{acute}").
const ACUTE: &[&str] = &["脑梗", "心梗", "脑出血", "急性胰腺炎", "重症肺炎", "心衰"];

const RELATIVES: &[&str] = &[
    "儿子",
    "女儿",
    "侄子",
    "外甥女",
    "孙子",
    "儿媳",
    "女婿",
    "侄女",
    "外孙",
];

const FAMILY: &[&str] = &["丈夫", "妻子", "老伴", "儿子", "女儿", "母亲", "父亲"];

const PARENTS: &[&str] = &["母亲", "父亲", "婆婆", "公公", "岳母", "老父亲", "老母亲"];

const KIDS: &[&str] = &["儿子", "女儿", "孙子", "外孙女", "孙女"];

const DURATIONS: &[&str] = &[
    "最近一周",
    "近半个月",
    "这一个多月",
    "这三个多月",
    "从上个月开始",
    "这几天",
    "入夏以来",
    "近两个星期",
    "今年以来",
    "快一年",
];

const LONG_DURATIONS: &[&str] = &[
    "两个星期",
    "十多天",
    "这一个多月",
    "快三个星期",
    "二十多天",
    "整整一周",
];

const PAST: &[&str] = &[
    "去年底",
    "今年三月",
    "上个月",
    "前年",
    "半年前",
    "年初",
    "今年夏天",
    "两个月前",
];

const TIMES: &[&str] = &[
    "每天晚上十点以后",
    "每天凌晨一两点",
    "一到晚上",
    "每天早上五六点",
    "周末一整天",
    "中午午休时间",
    "夜里十一点多",
    "每天半夜",
];

const HOMETOWNS: &[&str] = &[
    "安徽阜阳",
    "江西上饶",
    "河南信阳",
    "四川南充",
    "湖北黄冈",
    "湖南邵阳",
    "黑龙江齐齐哈尔",
    "甘肃天水",
    "山东临沂",
    "江苏盐城",
    "浙江温州",
    "贵州遵义",
    "重庆万州",
    "陕西汉中",
];

const WORKPLACES: &[&str] = &[
    "区内一家国有企业",
    "一所中学",
    "区属事业单位",
    "一家外资企业",
    "大学城的一所高校",
    "市区一家银行",
    "一家区属医院",
    "漕河泾开发区一家科技公司",
    "松江工业区一家工厂",
];

const JOBS: &[&str] = &[
    "保洁、保安",
    "超市理货",
    "仓库分拣",
    "食堂帮厨",
    "快递分拣",
    "小区绿化养护",
];

const FESTIVALS: &[&str] = &["春节", "中秋", "端午", "重阳节", "七一"];

const SERVICES: &[&str] = &[
    "居住证",
    "老年人优待卡",
    "社保卡",
    "独生子女证明",
    "户口迁移",
];

const PHONE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "150",
    "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177",
    "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "195",
    "198", "199",
];

/// Surnames, the most common first; Shanghai's frequent ones weighted up.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任",
    "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "方",
    "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "顾", "施", "钱", "俞", "龚", "严", "戴", "倪",
    "陶", "汤", "盛", "费", "卫", "瞿",
];

/// Shanghai-heavy surnames drawn more often (1 in 3 draws).
const SH_SURNAMES: &[&str] = &[
    "张", "王", "陈", "徐", "朱", "沈", "陆", "顾", "周", "吴", "金", "钱", "姚", "蒋", "施",
];

fn surname(rng: &mut impl Rng) -> &'static str {
    if rng.gen_ratio(1, 3) {
        pick(rng, SH_SURNAMES)
    } else {
        // Rough Zipf: the lower half of the list twice as often as the upper.
        let i = rng.gen_range(0..SURNAMES.len());
        let j = rng.gen_range(0..SURNAMES.len());
        SURNAMES[i.min(j)]
    }
}

/// Given names by generation: 0 born 1930s–1950s, 1 born 1960s–1980s, 2 born 1990s on.
const MALE: [&[&str]; 3] = [
    &[
        "建国", "国华", "福根", "金根", "林根", "根宝", "国平", "志明", "德明", "振华", "永福",
        "炳坤", "阿大", "荣根", "雪林", "耀祖", "文龙", "仁杰", "锦昌", "水根", "家栋", "宝林",
    ],
    &[
        "伟", "强", "军", "勇", "建华", "志刚", "卫东", "国强", "文斌", "海峰", "红军", "立新",
        "晓东", "俊", "斌", "磊", "建平", "伟民", "永明", "春华", "忠良", "振宇",
    ],
    &[
        "浩然", "宇轩", "子豪", "俊杰", "天宇", "博文", "思远", "家豪", "晨阳", "一鸣", "嘉诚",
        "睿", "哲", "昊", "宇航", "子轩",
    ],
];

const FEMALE: [&[&str]; 3] = [
    &[
        "秀英", "桂英", "玉兰", "凤英", "招娣", "美娣", "杏娣", "雪珍", "月娥", "阿妹", "金凤",
        "翠英", "素珍", "宝娣", "小妹", "爱珍", "佩芳", "惠珍", "菊芳", "兰英",
    ],
    &[
        "丽华", "红梅", "敏", "静", "丽", "燕", "芳", "琴", "慧", "美华", "建英", "雪芳", "海燕",
        "春燕", "晓红", "卫红", "丽萍", "文娟", "玲", "霞",
    ],
    &[
        "佳怡", "梓涵", "欣怡", "诗琪", "雨桐", "思雨", "语嫣", "可欣", "婷婷", "雅婷", "悦",
        "晨曦", "子涵", "一诺",
    ],
];

fn given_name(rng: &mut impl Rng, gender: Gender, generation: usize) -> &'static str {
    given_name_of(rng, gender == Gender::Female, generation)
}

fn given_name_of(rng: &mut impl Rng, female: bool, generation: usize) -> &'static str {
    let pool = if female { FEMALE } else { MALE };
    pick(rng, pool[generation.min(2)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use std::collections::{BTreeSet, HashSet};

    const COMMUNITIES: &[&str] = &["佛字桥居民区", "蓝天一村居民区", "汤村村", "仓城居民区"];

    fn sample(seed: u64, n: usize) -> Vec<DemoAppealText> {
        let mut rng = StdRng::seed_from_u64(seed);
        (0..n)
            .map(|i| generate(&mut rng, COMMUNITIES[i % COMMUNITIES.len()]))
            .collect()
    }

    #[test]
    fn enough_templates() {
        assert!(template_count() >= 60, "{}", template_count());
        for t in TEMPLATES {
            assert!(!t.kinds.is_empty() && !t.titles.is_empty() && !t.parts.is_empty());
            assert!(t.parts.iter().all(|p| !p.is_empty()));
            assert!(t.weight > 0);
        }
    }

    #[test]
    fn every_code_is_in_the_default_taxonomy() {
        let tax = suqiu_core::category::default_taxonomy();
        let known: HashSet<String> = tax.iter().map(|c| c.code.to_string()).collect();
        for code in category_codes() {
            assert!(known.contains(code), "{code} is not in default_taxonomy()");
            assert!(code.contains('.'), "{code} is not second-level");
        }
    }

    #[test]
    fn every_category_and_kind_is_reachable() {
        let v = sample(7, 5_000);
        let firsts: BTreeSet<&str> = v
            .iter()
            .map(|a| a.category.split('.').next().unwrap())
            .collect();
        let expected = [
            "livelihood_aid",
            "health",
            "elder_care",
            "emotional_support",
            "public_facilities",
            "property_management",
            "violations",
            "neighbour_disputes",
            "member_rights",
            "organization_life",
            "jobs_business",
            "suggestions",
        ];
        for e in expected {
            assert!(firsts.contains(e), "{e} never generated");
        }
        assert_eq!(firsts.len(), 12);
        let kinds: HashSet<Kind> = v.iter().map(|a| a.kind).collect();
        for k in Kind::ALL {
            assert!(kinds.contains(k), "{k} never generated");
        }
        let codes: HashSet<&str> = v.iter().map(|a| a.category).collect();
        assert_eq!(
            codes.len(),
            category_codes().len(),
            "every second level too"
        );
    }

    #[test]
    fn urgent_share_is_small() {
        let v = sample(11, 20_000);
        let urgent = v.iter().filter(|a| a.urgency == Urgency::Urgent).count();
        let share = urgent as f64 / v.len() as f64;
        assert!((0.02..=0.10).contains(&share), "urgent share {share}");
    }

    #[test]
    fn first_thousand_are_distinct() {
        let v = sample(3, 1_000);
        let set: HashSet<&str> = v.iter().map(|a| a.content.as_str()).collect();
        assert_eq!(set.len(), v.len());
    }

    #[test]
    fn titles_are_short_and_texts_complete() {
        for a in sample(5, 20_000) {
            let n = a.title.chars().count();
            assert!((1..=20).contains(&n), "title {:?} has {n} chars", a.title);
            assert!(
                !a.content.contains('{') && !a.content.contains('}'),
                "{}",
                a.content
            );
            assert!(!a.title.contains('{') && !a.location.contains('{'));
            assert!(a.content.chars().count() >= 30, "{}", a.content);
            assert!(a.content.ends_with('。'), "{}", a.content);
            assert!(!a.location.is_empty());
        }
    }

    #[test]
    fn villages_read_like_villages() {
        let mut rng = StdRng::seed_from_u64(9);
        let (mut groups, mut flats) = (0, 0);
        for _ in 0..2_000 {
            let a = generate(&mut rng, "汤村村");
            assert!(!a.content.contains("居委"), "{}", a.content);
            assert!(!a.content.contains("组1单元") && !a.content.contains("组一楼"));
            if a.content.contains("组") && a.content.contains("号") {
                groups += 1;
            }
            flats += usize::from(a.content.contains("号楼"));
        }
        assert!(groups > 100 && flats > 100, "{groups} {flats}");
        let mut rng = StdRng::seed_from_u64(9);
        for _ in 0..2_000 {
            let a = generate(&mut rng, "佛字桥居民区");
            assert!(!a.content.contains("村委") && !a.content.contains("村民"));
            assert!(!a.content.contains("宅基地"), "{}", a.content);
        }
    }

    fn valid_phone(p: &str) -> bool {
        let b = p.as_bytes();
        b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && b.iter().all(|c| c.is_ascii_digit())
    }

    #[test]
    fn phones_are_valid() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..10_000 {
            let p = phone(&mut rng);
            assert!(valid_phone(&p), "{p}");
            // And the server's own validator keeps it as is.
            assert_eq!(
                suqiu_core::validate::validate_phone(&p).ok(),
                Some(p.clone())
            );
        }
        assert!(!valid_phone("12345678901"));
        assert!(!valid_phone("1381234567"));
        assert!(!valid_phone("1381234567a"));
    }

    #[test]
    fn names_look_chinese() {
        let mut rng = StdRng::seed_from_u64(2);
        let mut genders = HashSet::new();
        let mut names = HashSet::new();
        for _ in 0..2_000 {
            let (n, g) = person_name_with_gender(&mut rng);
            let len = n.chars().count();
            assert!((2..=3).contains(&len), "{n}");
            assert!(
                n.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{n}"
            );
            genders.insert(g);
            names.insert(n);
        }
        assert_eq!(genders.len(), 2);
        assert!(names.len() > 1_000, "only {} distinct names", names.len());
        assert!(!person_name(&mut rng).is_empty());
    }

    #[test]
    fn deterministic_for_a_seed() {
        assert_eq!(sample(42, 200), sample(42, 200));
        assert_ne!(sample(42, 50), sample(43, 50));
    }
}
