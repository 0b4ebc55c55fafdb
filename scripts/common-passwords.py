#!/usr/bin/env python3
"""Writes crates/core/src/password/common.txt: passwords too common to allow.

The list is built from the choices that top every published leak of Chinese sites (CSDN,
Tianya, 12306…) and the international ones: well-known words and pinyin, digit runs, keyboard
walks and love numbers, each with the suffixes people add. Only entries of 8 characters or
more are kept (shorter ones are refused by the length rule already). Dates (19861010…) are
refused by a rule in `suqiu_core::password`, not listed. Run from the repository root:

    python3 scripts/common-passwords.py
"""

import itertools
import pathlib

# Entries refused as they are (seen verbatim near the top of the leaks).
VERBATIM = """
123456 123456789 a123456 5201314 woaini1314 qq123456 11111111 88888888 password iloveyou
12345678 1234567890 123123123 147258369 987654321 00000000 66666666 99999999 22222222
33333333 44444444 55555555 77777777 1111111111 0000000000 a123456789 123456789a
123456abc abc123456 1qaz2wsx 1q2w3e4r 1q2w3e4r5t qazwsxedc qwertyuiop asdfghjkl zxcvbnm123
qweasdzxc 123qweasd 1qazxsw2 zaq12wsx q1w2e3r4 q1w2e3r4t5 1234qwer qwer1234 qwerty123
asdf1234 abcd1234 1234abcd a1b2c3d4 abcdefgh abcdefg123 aaaaaaaa qqqqqqqq wwwwwwww
woaiwojia woainima woaini520 woaini521 woaini123 woaini1314520 5201314520 5845201314
1314520520 7758521521 woshishui woshishei wobuzhidao buzhidao meiyoumima wodemima
beijing2008 20082008 20080808 3.1415926 31415926 3141592653 31415926535 741852963
963852741 123654789 147852369 159357456 789456123 123789456 321654987 0123456789
12344321 12341234 11223344 112233445566 12121212 13141314 13145200 52013140 zhimakaimen
caonima123 wocaonima woaimama woaibaba nihao123 hao123456 www123456 qq5201314 qq111111
qq123123 qq123456789 qq1314520 aa123456 aaa123456 zxc123456 qwe123456 asd123456
password1 password123 passw0rd p@ssw0rd p@ssword admin123 admin888 administrator root1234
iloveyou1314 iloveyou520 loveyou1314 love5201314 suqiu123 suqiu2026 shanghai songjiang
zhongguo china123 chinese 12345678910 123456654321 1234554321 123454321 123321123
""".split()

# Pinyin names and words that lead the Chinese leaks, and the English words of the others.
WORDS = """
woaini wojia laopo laogong baobei baobao xiaobao xiaoxiao yangyang tiantian jingjing
wangwei wanglei wangjing wangyang zhangwei zhanglei zhangjie zhangjian zhangyan liwei
liuyang liuwei chenchen chenjie lijing lijun zhangtao wangtao huangwei yuanyuan longlong
mingming weiwei dongdong xiaoming xiaoqiang xiaofeng xiaolong xiaoyu shanshan lingling
tingting feifei maomao huanhuan jiajia doudou beibei nannan lili lele haha
woshishui caonima nihao shanghai beijing zhongguo china taiyang yueliang kuaile xingfu
aini aiqing ziyou tianshi mengxiang tiankong haizi mama baba gege jiejie didi meimei
password iloveyou qwerty abc monkey dragon master letmein shadow sunshine princess
football baseball superman batman michael jordan jennifer hunter ranger buster soccer
hockey killer george charlie andrew thomas daniel welcome hello freedom whatever
trustno1 starwars computer internet summer winter flower lovely angel ninja pokemon
admin root user guest test login manager service system server
""".split()

# What people put after a word.
SUFFIXES = """
123 1234 12345 123456 1234567 12345678 520 521 1314 5201314 1314520 888 666 999 000 111
0 1 2 007 2008 2010 2012 2018 2019 2020 2021 2022 2023 2024 2025 2026 ! !! @ . .. 88 99 00
@123 #123 123! 1! 1314a 520a abc qwe
""".split()

# Digit and keyboard runs, repeated and shifted.
RUNS = """
1234 12345 123456 1234567 12345678 123456789 1234567890 987654321 654321 4321 147258369
159357 159753 741852963 963852741 qwer qwert qwerty asdf asdfg asdfgh zxcv zxcvb zxcvbn
zxcvbnm qaz wsx edc 1qaz 2wsx 3edc qazwsx qweasd
""".split()

LOVE = """5201314 1314520 7758521 5211314 1314521 520520 521521 5845201314 3344520 584520""".split()


def candidates():
    yield from VERBATIM
    for w in WORDS:
        yield w
        yield w + w
        for s in SUFFIXES:
            yield w + s
        for s in ("520", "1314", "5201314", "123", "abc"):
            yield s + w
    for a, b in itertools.product(RUNS, repeat=2):
        yield a + b
    for r in RUNS:
        for s in SUFFIXES:
            yield r + s
        for p in "aqwzs":
            yield p + r
            yield r + p
    for d in "0123456789":
        for n in range(8, 13):
            yield d * n
    for c in "abcdefghijklmnopqrstuvwxyz":
        for n in range(8, 11):
            yield c * n
    for pair in ("12", "21", "13", "14", "52", "58", "66", "68", "88", "99", "ab", "aa", "qq"):
        for n in (4, 5, 6):
            yield pair * n
    for love in LOVE:
        yield love
        for p in ("a", "qq", "aa", "w", "wo", "ai", "woaini"):
            yield p + love
            yield love + p
    for head in ("a", "aa", "aaa", "abc", "qq", "qwe", "asd", "zxc", "woaini", "wo", "w", "z", "q"):
        for run in ("123456", "1234567", "12345678", "123456789", "654321", "111111", "888888",
                    "666666", "000000", "123123", "112233", "5201314", "1314520"):
            yield head + run
            yield run + head


def main():
    seen = set()
    out = []
    for c in candidates():
        c = c.lower()
        if len(c) >= 8 and c not in seen and " " not in c:
            seen.add(c)
            out.append(c)
    path = pathlib.Path("crates/core/src/password/common.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Passwords too common to allow (suqiu_core::password). Generated by\n"
        "# scripts/common-passwords.py; one a line, lower case.\n"
    )
    path.write_text(header + "\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} entries -> {path}")


if __name__ == "__main__":
    main()
