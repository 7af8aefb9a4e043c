#!/usr/bin/env python3
"""Write tracker/auth/common_passwords.txt: passwords people pick most often, and their usual
shapes.

    python3 tools/make_common_passwords.py

Nothing is downloaded. The list is built from what is publicly known about common passwords:
the perennial top entries of published breach statistics, keyboard walks, digit runs, and the
patterns people use to meet a length rule (a word, repeated or followed by a year, digits or
"!"), with Norwegian words next to the English ones, since this service is Norwegian. Checks
compare in lower case, so only lower-case forms are written.
"""

from itertools import product
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "tracker" / "auth" / "common_passwords.txt"

# The top of every published "most common passwords" list, in lower case.
TOP = """
123456 123456789 12345678 12345 1234567 1234567890 111111 000000 123123 654321 666666 121212
password password1 password123 passw0rd p@ssw0rd p@ssword qwerty qwerty123 qwertyuiop qwerty1
abc123 iloveyou admin admin123 administrator welcome welcome1 welcome123 letmein monkey dragon
football baseball master sunshine princess shadow superman batman trustno1 starwars whatever
login secret hello freedom michael jennifer jordan hunter ranger buster soccer harley killer
charlie donald pepper ginger summer winter autumn spring flower cookie cheese computer internet
changeme default guest test test123 testing root toor user access access14 mustang jessica
ashley bailey daniel thomas robert matthew andrew joshua nicole hannah michelle tigger lovely
loveme zaq12wsx 1q2w3e4r 1qaz2wsx qazwsx asdfgh asdfghjkl zxcvbnm zxcvbn 1q2w3e4r5t 1q2w3e
q1w2e3r4 aa123456 a123456 123qwe 123abc abcdef abcd1234 qwe123 pass1234 pass123 696969 987654321
""".split()

# Words people build long passwords from (English and Norwegian), in lower case.
WORDS = """
password passord passwort secret hemmelig welcome velkommen letmein admin administrator
qwerty qwertyui asdfghjk zxcvbnma iloveyou jegelskerdeg elskerdeg love kjærlighet
summer sommer winter vinter spring vår autumn høst fall january januar february februar march
mars april may mai june juni july juli august september october oktober november december
desember monday mandag friday fredag sunday søndag norway norge norwegian norsk oslo bergen
trondheim stavanger tromsø kristiansand drammen fredrikstad football fotball soccer hockey
handball håndball skiing ski rosenborg brann vålerenga molde viking liverpool arsenal chelsea
manchester barcelona realmadrid juventus dragon monkey master shadow sunshine princess superman
batman spiderman pokemon minecraft fortnite starwars harrypotter hunter killer freedom
whatever trustno1 computer internet google facebook microsoft windows apple samsung iphone
android linux ubuntu server database passord123 departement regjeringen regjering
statsministeren stortinget ministry government kontor office arbeid jobb tracker rapport
handlingsplan rasisme diskriminering mangfold inkludering likestilling tiltak status
koordinator kontaktperson bruker brukernavn user username login logginn changeme endremeg
default standard guest gjest test testing tester demo example eksempel hello hallo heisann
hei morna takk cookie cheese chocolate sjokolade kaffe coffee pizza taco beer øl
ola nordmann kari olanordmann karinordmann charlie michael jennifer jessica daniel thomas
martin andreas kristian jonas emma nora sara ingrid sofie maria anna hanna thea ida
""".split()

SUFFIXES = [
    "",
    "1",
    "12",
    "123",
    "1234",
    "12345",
    "123456",
    "!",
    "1!",
    "123!",
    "!!",
    "01",
    "11",
    "69",
    "99",
    "007",
    "2020",
    "2021",
    "2022",
    "2023",
    "2024",
    "2025",
    "2026",
    "2027",
    "2024!",
    "2025!",
    "2026!",
    "@123",
    "#1",
    "_123",
    ".123",
]

KEYBOARD_WALKS = """
qwertyuiop qwertyuiopå qwertyuiopasdfghjkl asdfghjklø asdfghjklæø zxcvbnm, 1qaz2wsx3edc
1qaz2wsx3edc4rfv qazwsxedc qazwsxedcrfv zaq1zaq1 zaq12wsxcde3 !qaz2wsx !qaz@wsx 1q2w3e4r5t6y
1q2w3e4r5t6y7u 1q2w3e4r5t6y7u8i q1w2e3r4t5y6 q1w2e3r4t5y6u7 qwertzuiop qwerasdfzxcv
asdfqwerzxcv poiuytrewq lkjhgfdsa mnbvcxz 0987654321 1234qwer 1234qwerasdf qwer1234
qwert12345 qwerty12345 qwerty123456 12345qwert 123456qwerty abcdefghijkl abcdefghijklm
abcdefgh123 abc123abc123 aaaaaaaaaaaa 1a2b3c4d5e6f
""".split()


def digit_runs() -> set[str]:
    runs = set()
    for length in range(4, 21):
        runs.add("".join(str(i % 10) for i in range(1, length + 1)))
        runs.add("".join(str(i % 10) for i in range(length)))
        runs.add("".join(str((9 - i) % 10) for i in range(length)))
        for digit in "0123456789":
            runs.add(digit * length)
        for pair in ("12", "21", "69", "00", "01", "10", "11", "13", "22", "77", "88", "99"):
            runs.add((pair * length)[:length])
        for letter in "abcdefghijklmnopqrstuvwxyz":
            runs.add(letter * length)
    return runs


def build() -> list[str]:
    passwords = set(TOP) | set(KEYBOARD_WALKS) | digit_runs()
    for word, suffix in product(WORDS, SUFFIXES):
        passwords.add(word + suffix)
    for word in WORDS:
        passwords.add(word * 2)
        passwords.add(word * 3)
        passwords.add(word + word + "1")
        passwords.add(word.replace("a", "@").replace("o", "0").replace("e", "3").replace("i", "1"))
    for first, second in product(
        ("jegelsker", "ilove", "mitt", "min", "my", "velkommen", "hei"), WORDS
    ):
        passwords.add(first + second)
    return sorted(password for password in passwords if len(password) >= 6)


def main() -> None:
    passwords = build()
    OUTPUT.write_text(
        "# Common passwords and their usual shapes, lower case, one per line.\n"
        "# Written by tools/make_common_passwords.py; do not edit by hand.\n"
        + "\n".join(passwords)
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(passwords)} passwords written to {OUTPUT}")


if __name__ == "__main__":
    main()
