"""English documents, taken from the seed translations of May 1920 archival documents.

Headers, dates and "Source:" lines are kept exactly as the seed prints them; bodies are shortened to a
selection of whole paragraphs.
"""

from __future__ import annotations

from .texts import Doc, Source

CGHAA = "Central State Historical Archive of Armenia"
PUBLISHED_NK = "Published in: Nagorno-Karabakh in 1918–1923, Yerevan, 1992"

TELEGRAM_MAY3 = Doc(
    key="eng-telegram-may3",
    language="eng",
    doc_type="telegram",
    collection_number="45",
    title="Telegram from the Minister of Foreign Affairs of Armenia",
    addressee="To People’s Commissar for Foreign Affairs of the RSFSR G. Chicherin and Chairman of the "
    "Council of People’s Commissars V. Lenin",
    date_line="Yerevan, May 3, 1920",
    place="Yerevan",
    date="1920-05-03",
    date_text="May 3, 1920",
    body=(
        "In light of the recent declaration of a Soviet government in Azerbaijan, and considering that many "
        "figures from the former Musavat government and their supporters continue to arrive in its "
        "territory, the new Azerbaijani government—potentially unaware of many facts—may inadvertently "
        "follow the policies of its predecessor. For the purpose of informing you and enabling you to issue "
        "appropriate instructions to representatives of Soviet Russia in Azerbaijan, I hereby report the "
        "following:",
        "At the time of the formation of the three Transcaucasian republics, Armenian Karabakh and "
        "Zangezur—effectively cut off from their native center in Armenia due to Turkish invasions from all "
        "sides—managed under their national councils to resist enemy pressure until the end of the World "
        "War and preserve their integrity. Following the withdrawal of Turkish forces from the region, the "
        "populations of Karabakh and Zangezur, through numerous congresses of peasant deputies, issued a "
        "categorical resolution expressing their desire to join the Republic of Armenia.",
        "However, the Musavat government of Azerbaijan, in defiance of the clearly expressed will of the "
        "people, launched multiple military campaigns against Armenian Karabakh and Zangezur with the aim of "
        "forcibly subjugating them. The Armenian government, wishing to avoid further bloodshed in the "
        "region, refrained from sending troops and proposed that the Musavat government maintain the status "
        "quo until a peaceful resolution could be reached at a special Armenian-Azerbaijani conference.",
        "Following repeated violations of the August 22 agreement, the Musavat government concentrated its "
        "regular and irregular forces and, on March 20 of this year, issued an ultimatum demanding the "
        "disarmament of Karabakh’s Armenian peasantry. Upon receiving a lawful refusal, it launched a "
        "simultaneous offensive on Karabakh and Zangezur, destroying villages and towns, massacring peaceful "
        "Armenian peasants—including women and children—who resisted desperately. These forces remain in "
        "place, threatening further advances into Armenian Karabakh.",
        "In the Elizavetpol district, the following Armenian villages were destroyed and their populations "
        "massacred: Karachinar, Yengikend, Manasbek, Upper and Lower Agdjakend, Paris, Erketch, Chaylu, and "
        "others. In the Shamakhi district: Ingard, Gyurdzhevan, Kochuldouz. In the Nukha district: Lower "
        "Vartashen, Jalut. In the Geokchay district: Girk Keshkard, Torishen, and Kelband. The few survivors "
        "who escaped to the mountains remain in dire conditions, facing the threat of complete annihilation.",
    ),
    signature=("Minister of Foreign Affairs of the Republic of Armenia",),
    citation=f"Source: {CGHAA}, Fund 200, Inventory 1, File 271, Sheets 213–214. Typescript. Published in: "
    "Bulletin of the Archives of Armenia, 1989, No. 1, pp. 117–118.",
    sources=(Source(CGHAA, "200", "1", "271", "213–214", 213, 214, False, "typescript"),),
)

NOTE_MAY4 = Doc(
    key="eng-note-may4",
    language="eng",
    doc_type="note",
    collection_number="41",
    title="Note from the Ministry of Foreign Affairs of Armenia",
    addressee="To the Deputy People’s Commissar for Foreign Affairs of Azerbaijan",
    subject="On the Absence of Armenian Troops in Azerbaijani Territory, the Immediate Withdrawal of "
    "Azerbaijani Forces from Nagorno-Karabakh, and the Need for Border Negotiations",
    date_line="May 4, 1920",
    date="1920-05-04",
    date_text="May 4, 1920",
    body=(
        "In response to your note dated April 30, received on May 1, I hereby convey the following on behalf "
        "of the Government of Armenia:",
        "Regarding the first point — there have been no Armenian troops on Azerbaijani territory, nor are "
        "there any now. On the contrary, forces and armed bands organized by the Musavat government, which "
        "your administration has overthrown, remain in the regions of Armenian Karabakh and have recently "
        "committed massacres against the Armenian peasantry, burning the Armenian quarter of Shushi and "
        "numerous villages.",
        "As for Zangezur, Azerbaijan has never exercised authority over this territory. Therefore, there are "
        "absolutely no legal or factual grounds to consider Zangezur part of Azerbaijan. Governed by its own "
        "council, Zangezur has always regarded itself as an inseparable part of the Republic of Armenia.",
        "Regarding the second point — Armenian forces, as repeatedly stated by the government, have never "
        "crossed into neighboring republics, including Azerbaijan.",
        "Committed to the peaceful resolution of all disputes and firmly opposed to any military action, the "
        "Government of Armenia, in line with the above-mentioned opinion of the Soviet Russian representative "
        "and to prevent future clashes, proposes the following to your government:",
        "1. Immediate cessation of all military operations",
        "2. Initiation of negotiations with the Government of the Republic of Armenia to establish final "
        "borders and normalize relations between our two neighboring republics.",
    ),
    signature=(
        "Minister of Foreign Affairs of the Republic of Armenia",
        "A. Ogandzhanian",
        "Copies sent to V. Lenin, G. Chicherin, G. Ordzhonikidze",
    ),
    citation=f"Source: {CGHAA}, Fund 200, Inventory 1, File 581, Sheets 30–31. Typescript.",
    sources=(Source(CGHAA, "200", "1", "581", "30–31", 30, 31, False, "typescript"),),
)

RGVA = "Russian State Military Archive (RGVA)"

EXCERPT_MAY5 = Doc(
    key="eng-excerpt-may5",
    language="eng",
    doc_type="excerpt",
    collection_number="42",
    title="Excerpt from the Telegram of the Commander-in-Chief of the Republic, S. Kamenev, and the Chief "
    "of the Field Staff of the Revolutionary Military Council of the Republic",
    addressee="To the Command of the Caucasian Front",
    subject="On the Necessity of Defining the Border Between Azerbaijan and Armenia Through Interstate "
    "Agreement",
    date_line="May 5, 1920",
    date="1920-05-05",
    date_text="May 5, 1920",
    body=(
        "…As for the border between Azerbaijan and Armenia, it must be established on the ground based on "
        "archival documents of the former Azerbaijani government. Until the border is defined through "
        "diplomatic means, it is necessary to adhere to the boundaries outlined in those documents, with "
        "detailed reporting on any corrections made…",
    ),
    signature=(
        "Commander-in-Chief Kamenev",
        "On behalf of the Military Commissar Klim",
        "Field Staff of the Revolutionary Military Council: Lebedev",
    ),
    citation=f"Source: {RGVA}, Fund 109, Inventory 10, File 52, Sheet 36.",
    sources=(Source(RGVA, "109", "10", "52", "36", 36, 36, False, None),),
)

LETTER_MAY6 = Doc(
    key="eng-letter-may6",
    language="eng",
    doc_type="letter",
    collection_number="46",
    title="Letter from the Prime Minister of the Government of Armenia",
    addressee="To the Diplomatic Representative in Georgia",
    subject="On the Determination to Defend the Borders of the Republic, Including Karabakh",
    date_line="No. 2800 — May 6, 1920",
    number="2800",
    date="1920-05-06",
    date_text="May 6, 1920",
    body=(
        "The government will resolutely defend the borders of independent Armenia against all enemies, "
        "particularly in light of the ongoing military actions against Azerbaijan in Karabakh. It is "
        "prepared to establish stronger ties with Georgia in this regard, and to jointly combat all internal "
        "anti-government forces. Begin negotiations with the Georgian government in this direction.",
    ),
    signature=("Prime Minister", "A. Ogandzhanian"),
    citation=f"Source: {CGHAA}, Fund 200, Inventory 1, File 221, Sheet 40. Typescript. {PUBLISHED_NK}, "
    "Document No. 314.",
    sources=(Source(CGHAA, "200", "1", "221", "40", 40, 40, False, "typescript"),),
)

PARTY_ARCHIVE = "Party Archive of the Communist Party of Armenia"

TELEGRAM_MAY6_7 = Doc(
    key="eng-telegram-may6-7",
    language="eng",
    doc_type="telegram",
    collection_number="47",
    title="Telegram from the Committee for the Defense of the Peasantry of Nagorno-Karabakh",
    addressee="To the Shushi Revolutionary Committee and V. Lenin",
    subject="On the Continuation of the Former Turkish, Khan-Bey Anti-Armenian Policy by the New Azerbaijani "
    "Government",
    date_line="May 6–7, 1920",
    date="1920-05-06/1920-05-07",
    date_text="May 6–7, 1920",
    body=(
        "On May 6, the provisional government of Karabakh received a communication from the Karabakh "
        "Revolutionary Committee, informing it of the Azerbaijani Republic’s adoption of Soviet power and "
        "the recognition of the independence of the Soviet Republic of Azerbaijan by Soviet Russia.",
        "We do not believe in the sincerity of the Revolutionary Committee’s proposal in Shushi.",
        "Should our response not be transmitted to the designated addresses—namely Moscow and Baku—the "
        "responsibility will lie with the members of the Revolutionary Committee in Shushi.",
    ),
    signature=("Committee for the Defense of the Peasantry of Nagorno-Karabakh",),
    citation=f"Source: {PARTY_ARCHIVE}, Fund 4033, Inventory 5, File 461, Sheet 164. Typescript. "
    f"{PUBLISHED_NK}, Document No. 315.",
    sources=(Source(PARTY_ARCHIVE, "4033", "5", "461", "164", 164, 164, False, "typescript"),),
)

PROPOSAL_MAY9 = Doc(
    key="eng-proposal-may9",
    language="eng",
    doc_type="proposal",
    collection_number="48",
    title="Proposal from the Deputy People’s Commissar for Foreign Affairs of Soviet Azerbaijan",
    addressee="To the Government of Armenia",
    subject="On Initiating Negotiations to Resolve All Disputed Issues",
    date_line="Baku, May 9, 1920",
    place="Baku",
    date="1920-05-09",
    date_text="May 9, 1920",
    body=(
        "…Although the working population of Armenia has not yet cast off the yoke of the Dashnak "
        "government, in order to avoid further bloodshed among the laboring masses, the Government of the "
        "Azerbaijan Socialist Soviet Republic—having taken all necessary measures to immediately end violent "
        "clashes—proposes to the current Armenian government to enter into negotiations for the resolution "
        "of all disputed issues. To this end, it is requested that authorized representatives be sent to "
        "the city of Baku no later than May 15 of this year.",
    ),
    signature=("Deputy Commissar for Foreign Affairs", "Guseynov"),
    citation=f"Source: {CGHAA}, Fund 200, Inventory 1, File 581, Sheets 41 and reverse. Original. Typescript. "
    "Copies sent to Chairman of the Council of People’s Commissars V. I. Lenin and People’s Commissar for "
    "Foreign Affairs G. V. Chicherin.",
    sources=(Source(CGHAA, "200", "1", "581", "41 and reverse", 41, 41, True, "original, typescript"),),
)

RGASPI = "Russian State Archive of Socio-Political History (RGASPI)"

TELEGRAM_MAY11 = Doc(
    key="eng-telegram-may11",
    language="eng",
    doc_type="telegram",
    collection_number="49",
    title="Telegram from Deputy People’s Commissar for Foreign Affairs of the RSFSR L. Karakhan",
    addressee="To G. Ordzhonikidze, Member of the Caucasian Bureau of the Central Committee of the RCP(b) "
    "and the Revolutionary Military Council of the Caucasian Front",
    subject="With Lenin’s Recommendation to Resolve Armenian-Azerbaijani Disputes Peacefully",
    date_line="No later than May 11, 1920",
    date="1920-05-11",
    date_text="No later than May 11, 1920",
    body=(
        "We have received a copy of Azerbaijan’s note to Armenia containing an ultimatum. Ilyich has "
        "instructed us to inform you that we should not rush to expand our influence. First, we must "
        "consolidate Soviet power in Azerbaijan. Second, any expansion not driven by immediate necessity "
        "should be postponed due to serious tasks on the Western Front and the need for caution given our "
        "international position.",
        "Establish relations with Turkey and secure responsible and authorized representatives for "
        "negotiations with us.",
        "Narimanov departed on the 28th.",
    ),
    signature=("No. 114/Ш", "L. Karakhan"),
    citation=f"Source: {RGASPI}, Fund 85, Inventory 14, File 29, Sheet 1. Archival copy from: RGASA, Fund 4, "
    "Inventory 1, File 158s, Sheet 169.",
    sources=(
        Source(RGASPI, "85", "14", "29", "1", 1, 1, False, None),
        Source("RGASA", "4", "1", "158s", "169", 169, 169, False, "copy"),
    ),
)

CGASA = "Central State Archive of Armenia (CGASA)"

ORDER_MAY11 = Doc(
    key="eng-order-may11",
    language="eng",
    doc_type="order",
    collection_number="50",
    title="Order from the Command of the Caucasian Front",
    addressee="To the Command of the 11th Red Army",
    subject="On Occupying the Nakhichevan–Ordubad–Shusha Region to Prevent Interethnic Massacres Until the "
    "Border Issue Between Azerbaijan and Armenia Is Resolved by Agreement Between Their Governments",
    date_line="Baku, May 11, 1920",
    place="Baku",
    date="1920-05-11",
    date_text="May 11, 1920",
    body=(
        "I hereby order:",
        "Second. In order to halt the Armenian-Muslim massacres in the Shusha and Zangezur regions, the left "
        "flank of the 11th Army is to advance into the Nakhichevan–Ordubad–Shusha area. Until the issue of "
        "the border between Azerbaijan and Armenia is resolved by a joint commission of both governments, "
        "strong garrisons must be maintained in the designated area to ensure order and prevent further "
        "interethnic violence.",
        "Report upon receipt and execution of these orders.",
    ),
    signature=("Commander of the Caucasian Front – Smilga", "Chief of Staff of the Front – Pugachev"),
    citation=f"Source: {RGVA}, Fund 6, Inventory 12, File 8, Sheet 8 reverse; {CGASA}, Fund 195, Inventory 3, "
    f"File 199, Sheet 14. {PUBLISHED_NK}, Document No. 319.",
    sources=(
        Source(RGVA, "6", "12", "8", "8 reverse", 8, 8, True, None),
        Source(CGASA, "195", "3", "199", "14", 14, 14, False, None),
    ),
)

PROTEST_MAY12 = Doc(
    key="eng-protest-may12",
    language="eng",
    doc_type="protest",
    collection_number="51",
    title="Protest from the Ministry of Foreign Affairs of Armenia",
    addressee="To the Government of Soviet Azerbaijan (Copies sent to V. Lenin and G. Chicherin)",
    subject="On the Continuation of Turkish Genocidal Policy Against Armenians and the Seizure of Armenian "
    "Territories",
    date_line="Yerevan, May 12, 1920",
    place="Yerevan",
    date="1920-05-12",
    date_text="May 12, 1920",
    body=(
        "In response to your radiogram dated May 8, I hereby convey the following:",
        "The actions of your government against the Government of Armenia compel us to declare that the true "
        "nature of the Azerbaijani coup has been properly understood and assessed by the Armenian people and "
        "its government. This coup, which allegedly replaced the khan-bey Musavatist regime with a "
        "revolutionary socialist government, has in fact brought no substantive change to the political or "
        "state structure of Azerbaijan.",
        "The very first act of this so-called socialist government was the attempt to forcibly subjugate the "
        "Armenian working peasantry of Karabakh and Zangezur to Azerbaijani authority, in direct "
        "contradiction to the clearly expressed will of the local population. The ultimatum sent to Armenia "
        "on the second day of your government’s rise to power was aggressive in nature and "
        "indistinguishable from similar notes issued by the former Musavatist regime.",
        "You also fail to mention the well-known mass atrocities committed against peaceful Armenian "
        "civilians in Nukha, Arash, Elizavetpol, Shamakhi, Karabakh, and Gokhtan.",
        "Nuri Pasha remains active in Jebrail, and Sultanov—the organizer of the Karabakh massacres—now holds "
        "power, adorned with a red ribbon.",
        "Nevertheless, in the spirit of peace, my government accepts your proposal to initiate negotiations "
        "for resolving all disputed issues between our two republics…",
    ),
    signature=("Minister of Foreign Affairs of Armenia",),
    citation=f"Source: {CGHAA}, Fund 278, Inventory 1, File 35, Sheets 5–6. Certified copy. Typescript. "
    f"{PUBLISHED_NK}, Document No. 319.",
    sources=(Source(CGHAA, "278", "1", "35", "5–6", 5, 6, False, "certified copy, typescript"),),
)
