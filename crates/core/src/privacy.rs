//! What the public may read of an appeal (公开栏, Open311): its words as the station keeps
//! them, with what points to a person taken out — phone and ID numbers (any run of seven or
//! more digits), e-mail addresses, room numbers (502室, 3-502), house numbers (88号), the
//! appellant's own name wherever it stands, a self-introduction (我叫王小明) and a surname
//! with a form of address (王阿姨). The estate, the road, the lane and the building stay:
//! they say where the problem is, not who reported it (DOMAIN.md, "Openness and privacy").
//!
//! Redaction errs on the side of taking out too much: a public board that hides a number
//! it did not need to hide loses nothing; one that shows a phone number breaks the law.

use std::sync::OnceLock;

use regex::{Captures, Regex};

/// What stands where a number was (phone, ID, e-mail).
pub const NUMBER_MASK: &str = "＊＊＊";
/// What stands where a full name was.
pub const NAME_MASK: &str = "某某";

/// The common single-character surnames (百家姓, the ~100 most frequent): a name is only
/// taken for one when it starts with one of these, so "这位阿姨" stays as it is.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于\
                        蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛\
                        闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍\
                        庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍\
                        涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉\
                        缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和\
                        仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";

/// Forms of address that follow a surname (王阿姨, 李师傅).
const ADDRESS_FORMS: &str =
    "先生|女士|小姐|阿姨|大爷|大妈|大叔|大姐|大哥|老师|师傅|奶奶|爷爷|老伯|阿婆|老太|书记|主任";

fn regex(cell: &'static OnceLock<Regex>, pattern: impl FnOnce() -> String) -> &'static Regex {
    cell.get_or_init(|| Regex::new(&pattern()).expect("the redaction patterns are valid"))
}

fn emails() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || {
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}".into()
    })
}

/// Seven or more digits, maybe split by spaces or dashes, maybe with a country code or an
/// ID number's final X: every phone (mobile or landline with area code) and ID number.
fn long_numbers() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || {
        r"(?:\+\s?86[\s\-]?)?[0-9０-９](?:[\s\-－]?[0-9０-９]){6,}[XxＸ]?".into()
    })
}

/// A room (502室, 12户, 3-502, 3－502室): the part of an address that is one household.
fn rooms() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || {
        concat!(
            r"(?:[0-9０-９]{1,3}\s*[-－—]\s*)?[0-9０-９A-Za-z]+\s*室|[0-9０-９]+\s*户",
            r"|[0-9０-９]{1,3}\s*[-－—]\s*[0-9０-９]{3,4}",
        )
        .into()
    })
}

/// A house number (88号) — but not a building (3号楼) or a line (2号线), which stay.
fn house_numbers() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || r"[0-9０-９]+\s*号(楼|线|门|口)?".into())
}

/// A surname, maybe a given name, and a form of address (王阿姨, 陆昊先生 → 某阿姨, 某先生).
fn addressed() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || {
        format!(r"([{SURNAMES}]\p{{Han}}{{0,2}}?)({ADDRESS_FORMS})")
    })
}

/// A self-introduction with a name (我叫王小明, 本人李强, 姓名：张三).
fn introduced() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || {
        format!(r"(我叫|我是|本人|姓名\s*[:：]?)\s*[{SURNAMES}]\p{{Han}}{{1,2}}")
    })
}

/// Words that name a person by what they are or do, before the name (居民张建国, 老党员李四,
/// 邻居王五, 楼组长赵六, 物业管家孙七).
const ROLES: &str =
    "居民|村民|党员|老党员|困难党员|退休党员|在职党员|预备党员|流动党员|楼组长|组长|\
                     邻居|业主|住户|租户|房东|志愿者|务工人员|网格员|家属|户主|管家|保安|保洁员|\
                     社工|民警|医生|护士|律师|干部";
/// What usually stands after such a name (来站反映, 通过网上反映, 的儿子, 等3人, a pause): it
/// tells a name of two characters from one of three.
const AFTER_NAME: &str = "来|到|去|通过|反映|报名|咨询|表示|提出|建议|表扬|送|说|称|讲|等|的|家|\
                          今年|在|向|给|帮|和|与|及|夫妇|一家|患|因|是|也|还|已|曾|被|多次|\
                          [，。、；：！？,.;:!?\\s（(“\"]|$";
/// The elderly are named as 老人 or 孤老 too, but those words also begin ordinary phrases
/// (老人常年在家): only an age or a visit after the name makes it one.
const ELDERS: &str = "老人|孤老";
const AFTER_ELDER: &str = "[（(]|到站|来站|来电";
/// A pause before a name that comes first, with the place after it in brackets
/// (曹芳（20号楼）通过网上反映).
const PAUSE: &str = "^|[，。；：、！？\\s“\"]";
/// Words that begin with a surname's character and follow a role or a pause without being
/// a name (流动党员管理, 党员党性, 居民常年): never taken for one.
const NOT_NAMES: &[&str] = &[
    "管理", "关系", "路线", "党性", "常年", "常常", "高度", "文明", "方面", "方式", "方便", "安全",
    "安排", "全体", "全部", "全面", "全家", "明白", "明确", "时间", "时候", "时常", "成员", "成为",
    "和谐", "平安", "应当", "应该", "车库", "车位", "房屋", "房子", "金额", "周末", "周边", "周围",
    "白天", "曾经", "单位", "于是", "和睦", "连续", "申请", "陆续", "严重", "严格", "万一", "向来",
    // Before 书记 and 主任: the party's committees, not a surname.
    "党委", "党总", "党支", "党组", "党工", "党群",
];

/// A person named by their role, with the role and what follows kept (居民张三来电 →
/// 居民某某来电): the name is what lies between.
fn named_by_role() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || person_between(ROLES, AFTER_NAME))
}

/// An elderly person named as such (孤老王某（82岁） → 孤老某某（82岁）).
fn named_elder() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || person_between(ELDERS, AFTER_ELDER))
}

/// A name after a pause, the place after it in brackets.
fn named_first() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || person_between(PAUSE, "[（(]"))
}

/// A person named by their role with nothing known after the name (村民陈伟民肢体残疾): the
/// role and three characters, a name's most (a two-character name takes the next one too).
fn named_by_role_alone() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || format!(r"({ROLES})([{SURNAMES}]\p{{Han}}{{2}})()"))
}

/// A name between `before` (group 1) and `after` (group 3), as group 2: a surname and one or
/// two more characters, the fewest that reach `after`.
fn person_between(before: &str, after: &str) -> String {
    format!(r"({before})([{SURNAMES}]\p{{Han}}{{1,2}}?)({after})")
}

/// The first of several who wrote together (吴立新等2位居民).
fn named_together() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, || {
        format!(
            r"()([{SURNAMES}]\p{{Han}}{{1,2}}?)(等[0-9０-９一二三四五六七八九十两几多]+[位人户名])"
        )
    })
}

/// Whether what a rule took for a name begins with a word that is none ([`NOT_NAMES`]).
fn is_word(name: &str) -> bool {
    NOT_NAMES.iter().any(|w| name.starts_with(w))
}

/// `text` with each name of `rule` (its groups: before, name, after) taken out, unless the
/// "name" is a word ([`NOT_NAMES`]).
fn take_names(rule: &Regex, text: &str) -> String {
    rule.replace_all(text, |c: &Captures| {
        if is_word(&c[2]) {
            c[0].to_string()
        } else {
            format!("{}{NAME_MASK}{}", &c[1], &c[3])
        }
    })
    .into_owned()
}

/// `text` as the public may read it. `names` are the people the appeal names (its
/// appellant); each is taken out wherever it stands, and so is its surname with a form of
/// address.
pub fn redact(text: &str, names: &[&str]) -> String {
    let mut out = text.to_string();
    for name in names.iter().map(|n| n.trim()) {
        // A one-character "name" would blank every occurrence of a common character.
        if name.chars().count() >= 2 {
            out = out.replace(name, NAME_MASK);
        }
    }
    out = emails().replace_all(&out, NUMBER_MASK).into_owned();
    out = long_numbers().replace_all(&out, NUMBER_MASK).into_owned();
    out = rooms().replace_all(&out, "").into_owned();
    out = house_numbers()
        .replace_all(&out, |c: &Captures| match c.get(1) {
            Some(_) => c[0].to_string(),
            None => String::new(),
        })
        .into_owned();
    out = addressed()
        .replace_all(&out, |c: &Captures| {
            if is_word(&c[1]) {
                c[0].to_string()
            } else {
                format!("某{}", &c[2])
            }
        })
        .into_owned();
    out = introduced()
        .replace_all(&out, |c: &Captures| format!("{}{NAME_MASK}", &c[1]))
        .into_owned();
    for rule in [
        named_by_role(),
        named_elder(),
        named_first(),
        named_together(),
        named_by_role_alone(),
    ] {
        out = take_names(rule, &out);
    }
    out
}

/// An appeal whose content and location name its appellant (王小明), a phone, an ID number and
/// a room, received 2026-11-24 10:00 in Shanghai: what every public view of an appeal (the
/// board, Open311) is tested with.
#[cfg(test)]
pub(crate) fn personal_appeal(
    consent: bool,
    channel: crate::appeal::Channel,
) -> crate::appeal::Appeal {
    use crate::appeal::{Appellant, Kind, Urgency};
    use chrono::TimeZone;
    let intake = crate::lifecycle::Intake {
        appellant: Appellant::Named {
            name: "王小明".into(),
            phone: Some("13912345678".into()),
            email: None,
        },
        org_unit_id: 7,
        channel,
        kind: Kind::Help,
        category: "public_facilities.water_pipes".into(),
        urgency: Urgency::Normal,
        title: None,
        content:
            "我叫王小明，电话13912345678，身份证31011719800101123X，住3号楼502室，楼道水管漏水"
                .into(),
        location: Some("荣乐东路88弄3号楼502室".into()),
        public_consent: consent,
    };
    let now = crate::calendar::shanghai()
        .with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
        .single()
        .expect("a time")
        .with_timezone(&chrono::Utc);
    crate::lifecycle::register_public(
        intake,
        "SQ261124-ABCDEFGHJK".into(),
        7,
        now,
        &crate::calendar::WorkCalendar::weekdays_only(),
        &crate::policy::TimeLimitPolicy::default(),
    )
    .expect("registers")
    .0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phone_and_id_numbers_go() {
        let text = "电话13812345678，座机021-57812345，身份证31011719800101123X，+86 139 1234 5678";
        let out = redact(text, &[]);
        assert!(!out.chars().any(|c| c.is_ascii_digit()), "{out}");
        assert_eq!(out.matches(NUMBER_MASK).count(), 4, "{out}");
    }

    #[test]
    fn rooms_and_house_numbers_go_and_the_estate_road_and_building_stay() {
        let out = redact(
            "荣乐东路88弄3号楼502室楼道灯坏了，梅家浜小区12-1203也是",
            &[],
        );
        assert_eq!(out, "荣乐东路88弄3号楼楼道灯坏了，梅家浜小区也是");
        assert_eq!(
            redact("谷阳北路123号门口的井盖", &[]),
            "谷阳北路123号门口的井盖"
        );
        assert_eq!(redact("人民北路456号有噪音", &[]), "人民北路有噪音");
        assert_eq!(redact("地铁9号线站口", &[]), "地铁9号线站口");
    }

    #[test]
    fn names_go() {
        let out = redact(
            "我叫王小明，住在这里。王小明的邻居李阿姨也反映过。",
            &["王小明"],
        );
        assert_eq!(out, "我叫某某，住在这里。某某的邻居某阿姨也反映过。");
        assert_eq!(
            redact("本人张建国，姓名：刘芳", &[]),
            "本人某某，姓名：某某"
        );
        // No surname: nothing to take out.
        assert_eq!(redact("这位阿姨说", &[]), "这位阿姨说");
    }

    #[test]
    fn people_named_by_what_they_are_go_and_the_words_stay() {
        for (text, public) in [
            ("居民钱文斌来电反映", "居民某某来电反映"),
            ("村民陈伟民肢体残疾", "村民某某肢体残疾"),
            ("感谢楼组长罗佳怡帮忙协调", "感谢楼组长某某帮忙协调"),
            ("党员王丽的儿子来站", "党员某某的儿子来站"),
            ("吴立新等2位居民联名反映", "某某等2位居民联名反映"),
            ("曹芳（20号楼）通过网上反映", "某某（20号楼）通过网上反映"),
            ("26号楼的陆昊先生来站反映", "26号楼的某先生来站反映"),
            (
                "孤老蔡国华（85岁）老伴早年去世",
                "孤老某某（85岁）老伴早年去世",
            ),
        ] {
            assert_eq!(redact(text, &[]), public, "{text}");
        }
        for kept in [
            "加强流动党员管理。",
            "居民区党员大会",
            "老人常年在家",
            "党委书记和居委会主任",
            "坚持党的群众路线，",
            "居民高度关注",
            "楼上住户周末一整天在家",
            "居民申请低保",
        ] {
            assert_eq!(redact(kept, &[]), kept);
        }
    }

    #[test]
    fn emails_go() {
        assert_eq!(
            redact("请回复 wang.xm@example.com 谢谢", &[]),
            "请回复 ＊＊＊ 谢谢"
        );
    }

    #[test]
    fn ordinary_text_is_kept() {
        let text = "小区3号楼电梯经常停运，已经两周了，希望尽快维修。2026年12月5日";
        assert_eq!(redact(text, &[]), text);
    }

    proptest! {
        /// Whatever the text around them, a phone number and the appellant's name never
        /// survive.
        #[test]
        fn a_phone_and_the_name_never_survive(
            before in "[\\p{Han}a-z ，。0-9]{0,20}",
            after in "[\\p{Han}a-z ，。]{0,20}",
            phone in "1[3-9][0-9]{9}",
        ) {
            let text = format!("{before}王小明{after}{phone}{after}");
            let out = redact(&text, &["王小明"]);
            prop_assert!(!out.contains(&phone), "{}", out);
            prop_assert!(!out.contains("王小明"), "{}", out);
        }
    }
}
