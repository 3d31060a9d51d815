package main

// The word lists the generator draws from. Every place, person and
// organisation is invented; every link points at example.org, example.com
// or example.net. The lists are small on purpose: the benchmark needs
// realistic sizes and shapes, not realistic prose.

var (
	enPlaces = []string{
		"Velmora", "Kestrand", "Brindlemoor", "Tallowfield", "Marrowgate", "Pennyreach",
		"Sorrel Bay", "Quillhaven", "Dunmarsh", "Hollin Cross", "Orrinford", "Caskbridge",
		"Wrenhollow", "Lanternside",
	}
	enThings = []string{
		"the tram extension", "the riverside library", "the night market", "the water treatment works",
		"the cycle lanes", "the school meals scheme", "the flood barrier", "the community clinic",
		"the bus depot", "the recycling centre", "the old mill restoration", "the public pool",
		"the housing survey", "the street lighting upgrade", "the tree planting drive",
		"the farmers' market", "the youth orchestra", "the ferry timetable",
	}
	enOrgs = []string{
		"the district council", "the transport board", "the residents' association", "the harbour trust",
		"the parents' forum", "the water authority", "the chamber of traders", "the library committee",
	}
	enRoles = []string{
		"a retired teacher", "a bakery owner", "a bus driver", "a nurse at the clinic", "a second-year student",
		"a ferry mechanic", "a market trader", "a volunteer gardener", "a shift worker at the depot",
	}
	enWhen = []string{
		"next month", "in the spring", "after the summer", "before the end of the year", "early next year",
		"within six weeks",
	}
	enWeekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	enMonths   = []string{"March", "April", "June", "September", "October", "November"}

	enFirst = []string{
		"Amara", "Bilal", "Clara", "Dawood", "Elif", "Farid", "Greta", "Hamza", "Imani", "Jonah",
		"Kiran", "Leila", "Mateo", "Nadia", "Omar", "Priya", "Rafael", "Saira", "Tobias", "Uzma",
		"Viktor", "Yusuf", "Zainab", "Ines", "Kofi",
	}
	enLast = []string{
		"Ashdown", "Bukhari", "Castellan", "Durrani", "Everly", "Faruqi", "Galloway", "Hashmi",
		"Ingram", "Jafri", "Kestler", "Lodhi", "Marchetti", "Naqvi", "Okafor", "Pemberton", "Qazi",
		"Rahimi", "Sandoval", "Thorne",
	}
	mailHosts = []string{"example.org", "example.com", "example.net"}

	// Headline, standfirst and body sentence templates. The placeholders
	// are {place}, {place2}, {thing}, {thing2}, {org}, {role}, {name},
	// {when}, {weekday}, {month}, {n}, {money}, {slug}.
	enHeadlines = []string{
		"{Place} approves plan for {thing}",
		"What {thing} means for {place}",
		"{Org} delays decision on {thing} in {place}",
		"Residents question the cost of {thing} in {place}",
		"{Place} volunteers take on {thing}",
		"Why {thing} in {place} is running late",
		"{Place} to vote on {thing}",
		"A second look at {thing} in {place}",
		"{Org} opens consultation on {thing}",
		"Inside the long argument over {thing} in {place}",
	}
	enStandfirsts = []string{
		"{Org} says the work could start {when}, but residents of {place} want more detail first.",
		"A look at the costs, the timetable and the questions still unanswered.",
		"{n} households could be affected, according to figures published on {weekday}.",
		"Supporters and opponents of the plan made their case at a crowded meeting in {place}.",
		"The proposal returns to the table after {n} months of delay.",
	}
	enSentences = []string{
		"{Org} said on {weekday} that work on {thing} in {place} would begin {when}.",
		"The plan, which has been discussed for {n} months, would cost about {money}.",
		"Residents of {place} have mixed views.",
		`"We have waited a long time for this," said {name}, {role} who has lived in {place} for {n} years.`,
		`"Nobody asked us what we actually need," said {name}, {role}.`,
		"Figures published by {org} show that {n} per cent of households in {place} would be affected.",
		"Officials expect a decision at the next public meeting, due {when}.",
		"Opponents argue that the money would be better spent on {thing2}.",
		"Supporters say {thing} will make {place} easier to live in, especially for older residents.",
		"The proposal will be open for comments for {n} weeks.",
		"A similar scheme in {place2} was finished {n} months late and over budget.",
		"{Org} has promised to publish the full costings {when}.",
		"Traffic on the main road through {place} is expected to be diverted during the work.",
		"Local schools have been invited to take part in the consultation.",
		"The council's own survey received {n} responses, more than any previous consultation.",
		"Engineers visited the site in {month} and found the ground in better condition than expected.",
		"The *original* timetable assumed that the work would be finished by {month}.",
		"Minutes of the last meeting are in [the public record](https://example.org/minutes/{slug}).",
	}
	enSubheads  = []string{"What happens next", "What residents say", "The numbers", "Background", "The cost"}
	enListItems = []string{
		"Consultation opens {when}",
		"Public meeting at the {place} community hall on {weekday}",
		"Written comments go to {org}",
		"Estimated cost: {money}",
		"Expected duration: {n} months",
	}
	enTags = []string{
		"Transport", "Housing", "Libraries", "Water", "Schools", "Budget", "Flooding", "Markets",
		"Health", "Parks", "Heritage", "Consultations",
	}

	enComments = []string{
		"Thanks for the clear write-up.",
		"I live in {place} and this is the first I have heard of it.",
		"Does anyone know when the consultation closes?",
		"The figures in the third paragraph do not match what we were told last year.",
		"Good to see this covered properly.",
		"We need {thing2} more than we need this.",
		"My street has been waiting {n} years for something like this.",
		"I went to the meeting on {weekday}; it was packed.",
		"Fair point, but the cost has to come from somewhere.",
		"Could you follow up on what happened in {place2}?",
		"The bus through {place} is already late most mornings.",
		"As {role}, I can say the reality is *more complicated* than this.",
		"This is exactly why people stop going to consultations.",
		"Well reported. More of this, please.",
		"The minutes are online if anyone wants them: https://example.org/minutes/{n}",
		"I would like to know who is paying for the **maintenance** afterwards.",
	}
	enReplyOpeners = []string{"I see what you mean, but", "Not quite:", "Same here.", "Agreed.", "Respectfully,", "Good question."}
)

// Urdu. Place names are the invented English ones written in Urdu script.
var (
	// The things are feminine singular nouns, which keep their form before
	// a postposition, so every template reads correctly.
	urPlaces = []string{"ویلمورا", "کیسٹرینڈ", "برنڈل مور", "ٹیلو فیلڈ", "کوئل ہیون", "ڈن مارش", "اورن فورڈ"}
	urThings = []string{
		"نئی بس سروس", "پانی کی فراہمی", "عوامی لائبریری", "نئی سڑک",
		"سیلاب سے بچاؤ کی دیوار", "رات کی مارکیٹ", "اسٹریٹ لائٹس کی تنصیب", "درخت لگانے کی مہم",
	}
	urOrgs  = []string{"بلدیہ", "ضلعی کونسل", "ٹرانسپورٹ بورڈ", "رہائشیوں کی انجمن"}
	urWhen  = []string{"اگلے مہینے", "موسمِ بہار میں", "گرمیوں کے بعد", "سال کے آخر تک"}
	urFirst = []string{"عائشہ", "کامران", "ثنا", "بلال", "نادیہ", "عمران", "رابعہ", "فیصل"}
	urLast  = []string{"درانی", "فاروقی", "ہاشمی", "نقوی", "قاضی", "رحیمی"}

	urHeadlines = []string{
		"{place} میں {thing} پر نئی بحث",
		"{thing}: {place} کے شہریوں کے سوالات",
		"{place} کے لیے {thing} کا منصوبہ",
		"{thing} پر فیصلہ پھر مؤخر",
	}
	urStandfirsts = []string{
		"{place} کے رہائشی {thing} کے بارے میں کیا سوچتے ہیں؟ ہماری رپورٹ۔",
		"{org} کے مطابق کام {when} شروع ہو سکتا ہے۔",
	}
	urSentences = []string{
		"{org} نے اعلان کیا ہے کہ {place} میں {thing} پر کام {when} شروع ہوگا۔",
		"اس منصوبے پر تقریباً {n} کروڑ روپے لاگت آئے گی۔",
		"{place} کے رہائشیوں کی رائے اس بارے میں مختلف ہے۔",
		"«ہم برسوں سے اس کا انتظار کر رہے تھے،» {name} نے کہا، جو {n} سال سے {place} میں رہتے ہیں۔",
		"ماہرین کے مطابق {thing} سے شہریوں کی زندگی آسان ہو جائے گی۔",
		"کچھ دکانداروں کو خدشہ ہے کہ کام کے دوران کاروبار متاثر ہوگا۔",
		"اگلے اجلاس میں اس معاملے پر دوبارہ غور کیا جائے گا۔",
		"شہریوں سے {n} ہفتوں تک تجاویز طلب کی گئی ہیں۔",
		"مقامی اسکولوں کو بھی مشاورت میں شامل ہونے کی دعوت دی گئی ہے۔",
		"{org} نے وعدہ کیا ہے کہ مکمل تفصیلات {when} جاری کی جائیں گی۔",
	}
	urSubheads = []string{"آگے کیا ہوگا", "شہریوں کی رائے", "اعداد و شمار"}
	urTags     = []string{"شہر", "تعلیم", "پانی", "ٹرانسپورٹ"}
	urComments = []string{
		"بہت اچھی رپورٹ، شکریہ۔",
		"ہمارے محلے میں بھی یہی مسئلہ ہے۔",
		"کیا اس منصوبے کی کوئی تاریخ طے ہوئی ہے؟",
		"میں اس بات سے متفق نہیں ہوں۔",
		"مزید تفصیلات کا انتظار رہے گا۔",
		"{place} میں بسیں پہلے ہی دیر سے آتی ہیں۔",
		"اجلاس میں بہت لوگ آئے تھے۔",
		"یہ پیسہ کہیں اور بہتر خرچ ہو سکتا تھا۔",
	}
)

// The newsroom: three sections and ten bylines, two of them writing in Urdu.
var (
	benchCategories = [][2]string{{"city", "City"}, {"environment", "Environment"}, {"culture", "Culture"}}
	benchAuthors    = []struct{ slug, name, bio string }{
		{"amara-kestler", "Amara Kestler", "Covers the district council and its budgets."},
		{"bilal-okafor", "Bilal Okafor", "Writes about transport, from trams to ferries."},
		{"clara-durrani", "Clara Durrani", "Reports on schools and libraries."},
		{"dawood-pemberton", "Dawood Pemberton", "Follows the water authority and the flood defences."},
		{"elif-sandoval", "Elif Sandoval", "Edits the culture pages."},
		{"farid-ingram", "Farid Ingram", "Data reporter; reads every appendix."},
		{"greta-hashmi", "Greta Hashmi", "Covers health and the community clinics."},
		{"hamza-everly", "Hamza Everly", "Writes the weekly column on city life."},
		{"ayesha-qazi", "عائشہ قاضی", "اردو صفحات کی مدیر؛ تعلیم اور محلوں کے مسائل پر لکھتی ہیں۔"},
		{"kamran-naqvi", "کامران نقوی", "شہر کی خبریں اور بلدیاتی امور۔"},
	}
)
