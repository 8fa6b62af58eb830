"""The registry of the Convention's articles: the one truth for citations.

Data agrees with ../shared/convention/articles.md (a test checks it). Each article
carries the status tag of that map: "P" (seen in an official text), "S" (matched in a
secondary source) or "U" (number and title believed right, details unconfirmed).
Summaries are our own words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Chapter:
    number: str  # Roman numeral, as the Convention numbers its chapters
    title: str
    first_article: int
    last_article: int


@dataclass(frozen=True, slots=True)
class Article:
    number: int
    title: str
    chapter: str
    summary: str
    status: str


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("I", "General provisions", 1, 6),
    Chapter("II", "Criminalization", 7, 21),
    Chapter("III", "Jurisdiction", 22, 22),
    Chapter("IV", "Procedural measures and law enforcement", 23, 34),
    Chapter("V", "International cooperation", 35, 52),
    Chapter("VI", "Preventive measures", 53, 53),
    Chapter("VII", "Technical assistance and information exchange", 54, 56),
    Chapter("VIII", "Mechanism of implementation", 57, 58),
    Chapter("IX", "Final provisions", 59, 68),
)

_ARTICLES: tuple[Article, ...] = (
    Article(
        1,
        "Statement of purpose",
        "I",
        (
            "Sets three aims: prevent and combat cybercrime more efficiently and effectively; "
            "promote and strengthen international cooperation; and support technical assistance "
            "and capacity-building, especially for developing countries."
        ),
        "P",
    ),
    Article(
        2,
        "Use of terms",
        "I",
        (
            "Defines 15 terms, among them ICT system, electronic data, traffic data, content "
            "data, service provider, subscriber information, personal data, serious crime "
            "(maximum penalty of at least 4 years), property (including virtual assets), proceeds "
            "of crime, freezing/seizure, confiscation, predicate offence, regional economic "
            'integration organization and "emergency".'
        ),
        "P",
    ),
    Article(
        3,
        "Scope of application",
        "I",
        (
            "Unless stated otherwise, the Convention covers preventing, investigating and "
            "prosecuting its offences, including freezing, seizing, confiscating and returning "
            "proceeds. It also covers gathering, preserving and sharing electronic evidence as "
            "set out in Arts. 23 and 35."
        ),
        "P",
    ),
    Article(
        4,
        "Offences established in accordance with other United Nations conventions and protocols",
        "I",
        (
            "When applying other UN crime conventions and protocols they belong to, States must "
            "make sure those offences are also criminal when committed through ICT systems. Para. "
            "2 says this creates no new offences under this Convention."
        ),
        "P",
    ),
    Article(
        5,
        "Protection of sovereignty",
        "I",
        (
            "Obligations are to be carried out consistently with sovereign equality, territorial "
            "integrity and non-intervention. No State may exercise jurisdiction or functions "
            "reserved to another State's authorities on that State's territory."
        ),
        "P",
    ),
    Article(
        6,
        "Respect for human rights",
        "I",
        (
            "Implementation must be consistent with international human rights law. Nothing may "
            "be read as permitting suppression of human rights or fundamental freedoms, and the "
            "article names expression, conscience, opinion, religion or belief, peaceful assembly "
            "and association."
        ),
        "P",
    ),
    Article(
        7,
        "Illegal access",
        "II",
        (
            "Criminalize intentional access without right to all or part of an ICT system. States "
            "may add elements such as a security breach, intent to obtain data, dishonest intent, "
            "or a link to another system."
        ),
        "P",
    ),
    Article(
        8,
        "Illegal interception",
        "II",
        (
            "Criminalize intentional interception without right, by technical means, of non- "
            "public transmissions of electronic data, including electromagnetic emissions. States "
            "may require dishonest or criminal intent."
        ),
        "P",
    ),
    Article(
        9,
        "Interference with electronic data",
        "II",
        (
            "Criminalize intentionally damaging, deleting, deteriorating, altering or suppressing "
            "electronic data without right. States may require serious harm."
        ),
        "P",
    ),
    Article(
        10,
        "Interference with an information and communications technology system",
        "II",
        (
            "Criminalize intentionally and seriously hindering the functioning of an ICT system "
            "through data manipulation, without right."
        ),
        "P",
    ),
    Article(
        11,
        "Misuse of devices",
        "II",
        (
            "Criminalize dealing in or possessing tools built mainly to commit Arts. 7–10 "
            "offences, and passwords or credentials, when the intent is to commit those offences. "
            "Authorized testing or protection of a system is exempt. A reservation is possible, "
            "except for selling or distributing credentials."
        ),
        "P",
    ),
    Article(
        12,
        "Information and communications technology system-related forgery",
        "II",
        (
            "Criminalize manipulating data so that inauthentic data is produced and used as if it "
            "were authentic for legal purposes. States may require intent to defraud."
        ),
        "P",
    ),
    Article(
        13,
        "Information and communications technology system-related theft or fraud",
        "II",
        (
            "Criminalize causing loss of property, with fraudulent or dishonest intent to gain, "
            "by manipulating data, interfering with a system, or deceiving a person through an "
            "ICT system."
        ),
        "P",
    ),
    Article(
        14,
        "Offences related to online child sexual abuse or child sexual exploitation material",
        "II",
        (
            "Criminalize producing or distributing, soliciting or accessing, possessing, and "
            "financing such material (persons under 18). The definition covers visual material "
            "and may cover written or audio material. Options allow States to limit the offence "
            "to real persons or visual depictions, and to exclude children's self-generated "
            "material and some private consensual material."
        ),
        "P",
    ),
    Article(
        15,
        "Solicitation or grooming for the purpose of committing a sexual offence against a child",
        "II",
        (
            "Criminalize using ICT to contact, solicit, groom or arrange to commit a sexual "
            "offence against a child, including Art. 14 offences. States may require an act in "
            "furtherance, may cover persons believed to be children, and may exclude conduct "
            "between children."
        ),
        "P",
    ),
    Article(
        16,
        "Non-consensual dissemination of intimate images",
        "II",
        (
            "Criminalize intentionally making available, without right and without consent, an "
            "intimate image of a person through an ICT system. It is described as the first "
            "global treaty offence of this kind. The detailed definition and the age and intent "
            "options are [U]."
        ),
        "P",
    ),
    Article(
        17,
        "Laundering of proceeds of crime",
        "II",
        (
            "Criminalize laundering the proceeds of crime, with Convention offences as predicate "
            "offences. It follows the UNTOC/UNCAC model. Art. 2(m) cross-refers to it."
        ),
        "P",
    ),
    Article(
        18,
        "Liability of legal persons",
        "II",
        (
            "Make legal persons liable (criminal, civil or administrative) for participating in "
            "Convention offences, without affecting individuals' liability, with effective, "
            "proportionate and dissuasive sanctions."
        ),
        "S",
    ),
    Article(
        19,
        "Participation and attempt",
        "II",
        (
            "Criminalize participating in Convention offences as accomplice, assistant or "
            "instigator. States may also criminalize attempt and preparation."
        ),
        "S",
    ),
    Article(
        20,
        "Statute of limitations",
        "II",
        (
            "Where appropriate, set a long limitation period for Convention offences, and a "
            "longer one or a suspension where the offender evades justice."
        ),
        "U",
    ),
    Article(
        21,
        "Prosecution, adjudication and sanctions",
        "II",
        (
            "Sanctions must reflect gravity. Covers discretionary prosecution powers, release "
            "conditions and sentencing considerations, and protects defendants' fair-trial rights "
            "(details U)."
        ),
        "U",
    ),
    Article(
        22,
        "Jurisdiction",
        "III",
        (
            "Territorial and flag or aircraft jurisdiction is mandatory. Nationality-based and "
            "other bases are optional. States that refuse to extradite must have jurisdiction to "
            "prosecute, and States with concurrent jurisdiction must consult."
        ),
        "S",
    ),
    Article(
        23,
        "Scope of procedural measures",
        "IV",
        (
            "Create the Chapter IV powers for specific investigations and proceedings. They apply "
            "to Convention offences, to other offences committed by ICT, and to collecting "
            "electronic evidence of any criminal offence."
        ),
        "P",
    ),
    Article(
        24,
        "Conditions and safeguards",
        "IV",
        (
            "Every Chapter IV power must be subject to domestic conditions and safeguards that "
            "protect human rights under international human rights law and include "
            "proportionality."
        ),
        "S",
    ),
    Article(
        25,
        "Expedited preservation of stored electronic data",
        "IV",
        (
            "Enable quick orders to preserve specified stored electronic data that is at risk of "
            "loss, plus confidentiality (90-day maximum: U)."
        ),
        "U",
    ),
    Article(
        26,
        "Expedited preservation and partial disclosure of traffic data",
        "IV",
        (
            "Keep traffic data even when several providers carried the communication, and quickly "
            "disclose enough of it to identify the providers and the path."
        ),
        "U",
    ),
    Article(
        27,
        "Production order",
        "IV",
        (
            "Order persons in the territory to produce specified electronic data, and service "
            "providers operating there to produce subscriber information."
        ),
        "U",
    ),
    Article(
        28,
        "Search and seizure of stored electronic data",
        "IV",
        (
            "Search and access systems and storage media, extend a search to connected systems in "
            "the territory, seize or secure data, and require knowledgeable persons to give "
            "necessary information."
        ),
        "P",
    ),
    Article(
        29,
        "Real-time collection of traffic data",
        "IV",
        (
            "Collect traffic data in real time, or compel providers to do so within their "
            "technical capability, in confidence."
        ),
        "P",
    ),
    Article(
        30,
        "Interception of content data",
        "IV",
        (
            "Intercept content data in real time, only for a range of serious offences set by "
            "domestic law, directly or through providers, in confidence."
        ),
        "P",
    ),
    Article(
        31,
        "Freezing, seizure and confiscation of the proceeds of crime",
        "IV",
        (
            "Enable identifying, tracing, freezing, seizing and confiscating proceeds and "
            "instrumentalities of Convention offences."
        ),
        "P",
    ),
    Article(
        32,
        "Establishment of criminal record",
        "IV",
        "States may take into account a suspect's previous convictions in other States.",
        "U",
    ),
    Article(
        33,
        "Protection of witnesses",
        "IV",
        (
            "Protect witnesses and experts, and their relatives, against retaliation or "
            "intimidation, for example through relocation, non-disclosure of identity or video "
            "testimony."
        ),
        "U",
    ),
    Article(
        34,
        "Assistance to and protection of victims",
        "IV",
        (
            "Assist and protect victims, give access to compensation and restitution, let "
            "victims' views be heard, and pay special attention to victims of Arts. 14–16 "
            "offences, including children."
        ),
        "P",
    ),
    Article(
        35,
        "General principles of international cooperation",
        "V",
        (
            "Cooperate on Convention offences and on collecting and sharing electronic evidence "
            "of Convention offences and of serious crime. Dual criminality is judged on the "
            "underlying conduct, not on the label."
        ),
        "P",
    ),
    Article(
        36,
        "Protection of personal data",
        "V",
        (
            "Transfers of personal data follow the transferring State's law and applicable "
            "international law. A State may decline a transfer that would breach its data- "
            "protection law, or set conditions. Recipients must apply safeguards."
        ),
        "U",
    ),
    Article(
        37,
        "Extradition",
        "V",
        (
            "Framework for extradition for Convention offences, with dual criminality. The "
            "Convention can serve as the legal basis. States that do not extradite must "
            "prosecute, with fair-treatment guarantees and a persecution refusal ground."
        ),
        "U",
    ),
    Article(
        38,
        "Transfer of sentenced persons",
        "V",
        (
            "States may agree to transfer persons sentenced for Convention offences so that they "
            "serve their sentences at home."
        ),
        "U",
    ),
    Article(
        39,
        "Transfer of criminal proceedings",
        "V",
        "Consider transferring proceedings to another State in the interests of justice.",
        "U",
    ),
    Article(
        40,
        "General principles and procedures relating to mutual legal assistance",
        "V",
        (
            "Give the widest measure of mutual legal assistance (MLA). Covers central "
            "authorities, request content and channels, and grounds for refusal, including a "
            "persecution clause."
        ),
        "U",
    ),
    Article(
        41,
        "24/7 network",
        "V",
        (
            "Designate a contact point available around the clock for immediate help: technical "
            "advice, preservation, evidence and legal information, locating suspects."
        ),
        "U",
    ),
    Article(
        42,
        "International cooperation for the purpose of expedited preservation of stored electronic data",
        "V",
        (
            "Act on foreign requests to preserve stored data quickly while a full MLA request is "
            "prepared (minimum 60 days: U)."
        ),
        "U",
    ),
    Article(
        43,
        "International cooperation for the purpose of expedited disclosure of preserved traffic data",
        "V",
        (
            "If, while preserving data, a State finds a provider in a third State, it quickly "
            "discloses enough traffic data to identify that provider and the path."
        ),
        "U",
    ),
    Article(
        44,
        "Mutual legal assistance in accessing stored electronic data",
        "V",
        (
            "Search, seize and disclose stored data, including preserved data, at another State's "
            "request, quickly where the data is at risk."
        ),
        "U",
    ),
    Article(
        45,
        "Mutual legal assistance in the real-time collection of traffic data",
        "V",
        "Help with real-time traffic-data collection under domestic-law conditions.",
        "U",
    ),
    Article(
        46,
        "Mutual legal assistance in the interception of content data",
        "V",
        "Help with real-time content interception as far as treaties and domestic law allow.",
        "U",
    ),
    Article(
        47,
        "Law enforcement cooperation",
        "V",
        (
            "Close police cooperation: communication channels, inquiries, information exchange, "
            "liaison officers."
        ),
        "U",
    ),
    Article(
        48,
        "Joint investigations",
        "V",
        ("Consider agreements for joint investigative bodies, or joint investigations case by case."),
        "U",
    ),
    Article(
        49,
        "Mechanisms for the recovery of property through international cooperation in confiscation",
        "V",
        (
            "Give effect to foreign confiscation orders and allow domestic confiscation of "
            "property of foreign origin."
        ),
        "U",
    ),
    Article(
        50,
        "International cooperation for purposes of confiscation",
        "V",
        ("On request, identify, trace, freeze, seize and confiscate proceeds for another State."),
        "U",
    ),
    Article(
        51,
        "Special cooperation",
        "V",
        "Share information on proceeds spontaneously where it could help another State.",
        "U",
    ),
    Article(
        52,
        "Return and disposal of confiscated proceeds of crime or property",
        "V",
        (
            "Dispose of confiscated proceeds under domestic law, with priority for return, "
            "compensating victims and sharing arrangements. A paragraph taken from UNCAC art. "
            "57(4) was proposed for it at the final session; whether it is in the final text is "
            "U."
        ),
        "S",
    ),
    Article(
        53,
        "Preventive measures",
        "VI",
        (
            "Develop policies and good practices to reduce opportunities for cybercrime: "
            "awareness-raising, cooperation with the private sector and civil society, gender- "
            "responsive measures, victim support, and similar steps."
        ),
        "P",
    ),
    Article(
        54,
        "Technical assistance and capacity-building",
        "VII",
        (
            "Give the widest technical assistance and capacity-building, including training, "
            "sharing of expertise and technology transfer on mutually agreed terms, especially "
            "for developing countries."
        ),
        "U",
    ),
    Article(
        55,
        "Exchange of information",
        "VII",
        ("Consider analysing cybercrime trends and sharing statistics, expertise and good practices."),
        "U",
    ),
    Article(
        56,
        "Implementation of the Convention through economic development and technical assistance",
        "VII",
        (
            "Coordinate international efforts and financial and material support so that "
            "developing countries can implement the Convention."
        ),
        "U",
    ),
    Article(
        57,
        "Conference of the States Parties to the Convention",
        "VIII",
        (
            "Establishes the Conference of the States Parties (COSP) to improve cooperation and "
            "to promote and review implementation. It is convened by the UN Secretary-General."
        ),
        "U",
    ),
    Article(
        58,
        "Secretariat",
        "VIII",
        "The UN Secretary-General, in practice UNODC, services the COSP.",
        "U",
    ),
    Article(
        59,
        "Implementation of the Convention",
        "IX",
        (
            "Take the legislative and administrative measures needed, in line with domestic "
            "fundamental principles. Stricter measures are allowed."
        ),
        "U",
    ),
    Article(
        60,
        "Effects of the Convention",
        "IX",
        (
            "Covers the relation with other treaties. Parties with existing agreements on these "
            "matters may apply them, and other international-law rights and obligations are "
            "unaffected."
        ),
        "U",
    ),
    Article(
        61,
        "Relation with protocols",
        "IX",
        (
            "Protocols supplement the Convention. Only Convention parties may join a protocol, "
            "and the two are read together."
        ),
        "U",
    ),
    Article(
        62,
        "Adoption of supplementary protocols",
        "IX",
        ("Rules for the COSP to adopt supplementary protocols (threshold of at least 60 States Parties: U)."),
        "U",
    ),
    Article(
        63,
        "Settlement of disputes",
        "IX",
        (
            "Negotiation, then arbitration, then the International Court of Justice. An opt-out "
            "reservation is possible."
        ),
        "U",
    ),
    Article(
        64,
        "Signature, ratification, acceptance, approval and accession",
        "IX",
        (
            "Open to all States and regional economic integration organizations in Hanoi in 2025, "
            "then in New York until 31 Dec 2026. It is subject to ratification and open to "
            "accession."
        ),
        "P",
    ),
    Article(
        65,
        "Entry into force",
        "IX",
        (
            "Enters into force on the 90th day after the 40th instrument; an organization's "
            "instrument is not counted in addition to its members'. For later parties the delay "
            "is 30 days (U)."
        ),
        "P",
    ),
    Article(
        66,
        "Amendment",
        "IX",
        (
            "Amendments may be proposed after a waiting period from entry into force (5 years: "
            "U). Adoption is by consensus, otherwise by a two-thirds majority."
        ),
        "U",
    ),
    Article(
        67,
        "Denunciation",
        "IX",
        "Written notice to the Secretary-General, taking effect after a delay (1 year: U).",
        "U",
    ),
    Article(
        68,
        "Depositary and languages",
        "IX",
        (
            "The Secretary-General is depositary, as confirmed by the UNTC listing. The texts in "
            "Arabic, Chinese, English, French, Russian and Spanish are equally authentic (U)."
        ),
        "U",
    ),
)

ARTICLES: dict[int, Article] = {a.number: a for a in _ARTICLES}
CHAPTER_BY_NUMBER: dict[str, Chapter] = {c.number: c for c in CHAPTERS}


def get_article(number: int) -> Article | None:
    """Return the article with this number, or None when the Convention has none."""
    return ARTICLES.get(number)


def is_article(number: int) -> bool:
    return number in ARTICLES


def articles_in_chapter(chapter: Chapter) -> list[Article]:
    return [ARTICLES[n] for n in range(chapter.first_article, chapter.last_article + 1)]
