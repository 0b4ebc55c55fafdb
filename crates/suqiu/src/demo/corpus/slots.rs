//! The slot values of one appeal and how each `{slot}` is written out.
//!
//! Words and plain numbers come from the corpus's tables; what is put together (an
//! address, a name, how the appellant is addressed, an amount in yuan) is written here.

use std::fmt::Write as _;

use rand::Rng;

use super::{corpus, given_name_of, pick, surname};

/// The slot values of one appeal, drawn once.
pub(super) struct Ctx<'a> {
    comm: &'a str,
    village: bool,
    home: Home,
    name: Named,
    name2: Named,
    elder: Elder,
    /// The appellant's age.
    age: u32,
    /// Years of party membership of the elder.
    py: u32,
    /// A joining year.
    from: u32,
    /// A joining year at least fifty years back.
    from50: u32,
    road: &'static str,
    road2: &'static str,
    /// A fee in cents, and a higher one.
    fee: u32,
    fee2: u32,
    /// (slot, value) of the corpus's word slots.
    words: Vec<(&'static str, &'static str)>,
    /// (slot, value) of the corpus's number slots.
    numbers: Vec<(&'static str, u32)>,
}

/// Where the appellant lives: an estate, and a flat in it or a house in a village group.
struct Home {
    estate: String,
    /// Address as a house in a village group rather than a flat.
    rural: bool,
    bld: u32,
    floor: u32,
    room: u32,
    unit: u32,
    grp: u32,
    hno: u32,
    hf: u32,
}

/// A person named in the appeal.
struct Named {
    surname: &'static str,
    given: &'static str,
    female: bool,
    /// 0 born 1930s–1950s, 1 born 1960s–1980s, 2 born 1990s on.
    generation: usize,
}

/// The elderly person many scenarios are about.
struct Elder {
    surname: &'static str,
    given: &'static str,
    female: bool,
    age: u32,
}

// The draws below happen in a fixed order, the one the generator has always used: changing
// it changes which appeals a seed gives.
impl<'a> Ctx<'a> {
    pub(super) fn new(rng: &mut impl Rng, comm: &'a str, rural: bool) -> Self {
        let (stem, village) = super::stem(comm);
        let estate = estate(rng, stem, village);
        // Rooms from the second floor up, so "the flat below" always exists.
        let floor = rng.gen_range(2..=6);
        let room = floor * 100 + rng.gen_range(1..=4);
        let (road, road2) = two_roads(rng);
        let name = Named::draw(rng, 0..3);
        let name2 = Named::draw(rng, 1..3);
        let efemale = rng.gen_ratio(3, 5);
        let eage = rng.gen_range(68..=97);
        let fee = rng.gen_range(6..=25) * 10;
        let home = Home::draw(rng, estate, rural, floor, room);
        let elder = Elder {
            surname: surname(rng),
            given: given_name_of(rng, efemale, 0),
            female: efemale,
            age: eage,
        };
        Ctx {
            comm,
            village,
            home,
            name,
            name2,
            elder,
            age: rng.gen_range(36..=59),
            // Joined at eighteen at the earliest.
            py: rng.gen_range(18..=(eage - 18).min(66)),
            from: rng.gen_range(1956..=2008),
            from50: rng.gen_range(1950..=1975),
            road,
            road2,
            words: corpus()
                .words
                .iter()
                .map(|w| (w.slot.as_str(), pick(rng, &w.values)))
                .collect(),
            numbers: corpus()
                .numbers
                .iter()
                .map(|n| (n.slot.as_str(), rng.gen_range(n.min..=n.max) * n.step))
                .collect(),
            fee,
            fee2: fee + rng.gen_range(2..=8) * 10,
        }
    }
}

/// A listed estate one time in three, else the community's own name with a suffix.
fn estate(rng: &mut impl Rng, stem: &str, village: bool) -> String {
    let estates = &corpus().estates;
    let listed = rng.gen_ratio(1, 3).then(|| pick(rng, &estates.listed));
    let suffix = if village {
        pick(rng, &estates.village_suffixes)
    } else if stem.ends_with('村') || stem.ends_with('苑') {
        ""
    } else {
        pick(rng, &estates.suffixes)
    };
    match listed {
        Some(e) => e.to_string(),
        None => format!("{stem}{suffix}"),
    }
}

/// Two different roads, for a crossing.
fn two_roads(rng: &mut impl Rng) -> (&'static str, &'static str) {
    let roads = &corpus().roads;
    let road = pick(rng, roads);
    let mut road2 = pick(rng, roads);
    if road2 == road {
        let at = roads.iter().position(|r| r == road).unwrap_or(0);
        road2 = &roads[(at + 7) % roads.len()];
    }
    (road, road2)
}

impl Named {
    fn draw(rng: &mut impl Rng, generations: std::ops::Range<usize>) -> Self {
        let female = rng.gen_bool(0.5);
        let generation = rng.gen_range(generations);
        Named {
            surname: surname(rng),
            given: given_name_of(rng, female, generation),
            female,
            generation,
        }
    }

    fn push(&self, out: &mut String) {
        out.push_str(self.surname);
        out.push_str(self.given);
    }

    /// How a station would address the person, by the generation of their name.
    fn honorific(&self) -> &'static str {
        match (self.female, self.generation) {
            (true, 0) => "阿婆",
            (true, 1) => "阿姨",
            (true, _) => "女士",
            (false, 0) => "老伯",
            (false, 1) => "师傅",
            (false, _) => "先生",
        }
    }
}

impl Home {
    fn draw(rng: &mut impl Rng, estate: String, rural: bool, floor: u32, room: u32) -> Self {
        Home {
            estate,
            rural,
            floor,
            room,
            bld: rng.gen_range(1..=48),
            unit: rng.gen_range(1..=4),
            grp: rng.gen_range(1..=14),
            hno: rng.gen_range(1..=160),
            hf: rng.gen_range(11..=33),
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
        self.push_bldg(out);
        if self.rural {
            push_num(out, self.hno);
            out.push('号');
        } else {
            push_num(out, self.room);
            out.push('室');
        }
    }

    /// The number of a flat next to this one, or of the home itself.
    fn number(&self, key: &str) -> Option<u32> {
        Some(match key {
            "bld" => self.bld,
            "floor" => self.floor,
            "room" => self.room,
            // The flat above; on the top floor, the rooftop is the neighbour below's concern.
            "up" => self.room + 100,
            "down" if self.floor > 1 => self.room - 100,
            "down" => self.room + 100,
            "unit" => self.unit,
            "hf" => self.hf,
            _ => return None,
        })
    }
}

fn push_num(out: &mut String, n: u32) {
    let _ = write!(out, "{n}");
}

/// Cents as yuan with two decimals ("1.80").
fn push_money(out: &mut String, cents: u32) {
    let _ = write!(out, "{}.{:02}", cents / 100, cents % 100);
}

/// Renders `tpl` into `out`, filling `{slot}`s from `c`.
pub(super) fn render(out: &mut String, tpl: &str, c: &Ctx<'_>, rng: &mut impl Rng) {
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
        let key = &piece[..end];
        if !slot(out, key, c, rng) {
            debug_assert!(false, "unknown slot {key}");
            out.push_str(key);
        }
        out.push_str(&piece[end + 1..]);
    }
}

/// Writes the value of slot `key`; false when there is no such slot.
pub(super) fn slot(out: &mut String, key: &str, c: &Ctx<'_>, rng: &mut impl Rng) -> bool {
    if let Some(word) = c.word(key) {
        out.push_str(word);
    } else if let Some(n) = c.number(key) {
        push_num(out, n);
    } else {
        return c.compound(out, key, rng);
    }
    true
}

impl Ctx<'_> {
    fn word(&self, key: &str) -> Option<&'static str> {
        if let Some(&(_, word)) = self.words.iter().find(|(slot, _)| *slot == key) {
            return Some(word);
        }
        Some(match key {
            "jm" if self.village => "村民",
            "jm" => "居民",
            "jwh" if self.village => "村委会",
            "jwh" => "居委会",
            "jw" if self.village => "村委",
            "jw" => "居委",
            "sur2" => self.name2.surname,
            "sir" => self.name.honorific(),
            "ta" if self.elder.female => "她",
            "ta2" if self.name2.female => "她",
            "ta" | "ta2" => "他",
            "road" => self.road,
            "road2" => self.road2,
            _ => return None,
        })
    }

    fn number(&self, key: &str) -> Option<u32> {
        if let Some(&(_, n)) = self.numbers.iter().find(|(slot, _)| *slot == key) {
            return Some(n);
        }
        Some(match key {
            "eage" => self.elder.age,
            "age" => self.age,
            "py" => self.py,
            "from" => self.from,
            "from50" => self.from50,
            _ => return self.home.number(key),
        })
    }

    /// Slots put together from several values, or rendered from an opener.
    fn compound(&self, out: &mut String, key: &str, rng: &mut impl Rng) -> bool {
        match key {
            "comm" => out.push_str(self.comm),
            "estate" => out.push_str(&self.home.estate),
            "bldg" => self.home.push_bldg(out),
            "addr" => self.home.push_addr(out),
            "name" => self.name.push(out),
            "name2" => self.name2.push(out),
            "elder" => {
                out.push_str(self.elder.surname);
                out.push_str(if self.elder.female {
                    "阿婆"
                } else {
                    "老伯"
                });
            }
            "ename" => {
                out.push_str(self.elder.surname);
                out.push_str(self.elder.given);
            }
            "fee" => push_money(out, self.fee),
            "fee2" => push_money(out, self.fee2),
            "open" => render(out, pick(rng, &corpus().openers.open), self, rng),
            "openb" => render(out, pick(rng, &corpus().openers.openb), self, rng),
            _ => return false,
        }
        true
    }
}
