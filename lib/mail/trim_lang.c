/*
 * trim_lang.c - the words mail clients put around quoted history, in the
 * languages customers write in: attribution verbs, Outlook header field
 * names, "Original Message" and "Forwarded message" separators, and the
 * "Sent from my iPhone" lines of mobile and desktop apps.
 *
 * The phrases are the clients' own localisation strings (Gmail, Outlook,
 * Apple Mail, Thunderbird, Yahoo, mobile apps).  Matching is ASCII-case-
 * insensitive; other letters are listed in the case the clients use.
 * Everything here works on normalised lines (see trim_int.h) and is linear
 * in the line length times the table size.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "trim_int.h"

#define N(a)	(sizeof (a) / sizeof (a)[0])

#define ATTR_MAX	400	/* longer text is no reply header */
#define SENT_MAX	100	/* a "Sent from" line is short */
#define SENT_WORDS	5	/* words allowed after "Sent from my" */

int
md_trim_starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(s, prefix, k) == 0;
}

static int
ends_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* ASCII-case-insensitive search; returns the offset or (size_t)-1. */
static size_t
find_ci(const char *s, size_t n, const char *word, size_t from)
{
	size_t k = strlen(word), i;

	for (i = from; k > 0 && i + k <= n; i++)
		if (strncasecmp(s + i, word, k) == 0)
			return i;
	return (size_t)-1;
}

/* A letter or digit (any non-ASCII byte counts: it is part of a letter). */
static int
wordch(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80;
}

static size_t
count_words(const char *s, size_t n)
{
	size_t i, w = 0;
	int in = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ')
			in = 0;
		else if (!in) {
			in = 1;
			w++;
		}
	}
	return w;
}

/* ---- attribution lines ------------------------------------------------ */

/* Sentence starts of reply headers that begin with the date. */
static const char *const openers[] = {
	"On ", "Am ", "Le ", "El ", "Il ", "Em ", "Op ", "Den ", "På ",
	"W dniu ", "Dnia ", "Dne ", "В ", "У ", "Во ", "在", "於", "于",
};

int
md_trim_opener(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < N(openers); i++)
		if (md_trim_starts(s, n, openers[i]))
			return 1;
	return 0;
}

/*
 * "wrote" and its translations, also the "you wrote" forms.  Latin and
 * Cyrillic verbs must stand as words; CJK ones are found anywhere.
 */
static const char *const verbs[] = {
	"wrote", "writes", "has written", "have written",
	"schrieb", "schrieben", "schreibt", "geschrieben",
	"a écrit", "avez écrit", "as écrit", "écrit",
	"ha scritto", "hai scritto", "scrisse", "scritto",
	"escribió", "escribio", "escribiste", "ha escrito",
	"escreveu", "escreveste", "escreveram", "escrevera",
	"schreef", "het volgende geschreven",
	"skrev", "skrivit", "kirjoitti", "kirjoitit",
	"napisał(a)", "napisał", "napisała", "napisałeś", "napisałaś", "pisze",
	"написал(а)", "написал", "написала", "написали", "пишет", "писал",
	"писала", "писали",
	"написав(-ла)", "написав", "пише", "писав", "писала",
	"napsal(a)", "napsal", "napsala", "napsali", "píše",
	"yazdı", "yazmış", "írta",
};

static const char *const cjk_verbs[] = {
	"写道", "寫道", "のメッセージ", "のメール", "書きました", "は書きました",
	"작성", "님이 작성", "썼습니다", "님의 메시지",
};

/* Offset just past the verb that ends last in s, or 0 if none. */
static size_t
find_verb(const char *s, size_t n, size_t *vstart)
{
	size_t i, at, k, best = 0;

	for (i = 0; i < N(verbs); i++) {
		k = strlen(verbs[i]);
		for (at = find_ci(s, n, verbs[i], 0); at != (size_t)-1;
		    at = find_ci(s, n, verbs[i], at + 1)) {
			if (at > 0 && wordch((unsigned char)s[at - 1]))
				continue;
			if (at + k < n && wordch((unsigned char)s[at + k]))
				continue;
			if (at + k > best) {
				best = at + k;
				*vstart = at;
			}
		}
	}
	for (i = 0; i < N(cjk_verbs); i++) {
		at = find_ci(s, n, cjk_verbs[i], 0);
		if (at != (size_t)-1 && at + strlen(cjk_verbs[i]) > best) {
			best = at + strlen(cjk_verbs[i]);
			*vstart = at;
		}
	}
	return best;
}

static int
has_digit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

/* A clock time "10:04" or "10.04" (also "10:04:12"). */
static int
has_time(const char *s, size_t n)
{
	size_t i;

	for (i = 1; i + 2 < n; i++)
		if ((s[i] == ':' || s[i] == '.') && s[i - 1] >= '0' &&
		    s[i - 1] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '5' &&
		    s[i + 2] >= '0' && s[i + 2] <= '9')
			return 1;
	return 0;
}

/*
 * Reply headers end with a colon (ASCII or fullwidth) and carry a "wrote"
 * verb: "On <date>, <name> wrote:", "<name> schrieb am <date>:",
 * "ons 25 nov. 2026 kl. 10:04 skrev <name>:", "<name> 于2026年11月25日写道：".
 * Gmail in Russian and Japanese, and old Gmail, say no verb at all:
 * "<date> <time>, Name <addr>:"; those need an address and a time.
 * Strong: there is an address, a date or a known opener.  Weak ("Bob
 * wrote:") is a short name and the verb, nothing else.
 */
int
md_trim_attribution(const char *s, size_t n)
{
	size_t end, vs = 0, ve, before, after;
	int strong;

	if (n == 0 || n > ATTR_MAX)
		return MD_ATTR_NO;
	if (s[n - 1] == ':')
		end = n - 1;
	else if (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9a", 3) == 0)
		end = n - 3;	/* U+FF1A fullwidth colon */
	else
		return MD_ATTR_NO;
	while (end > 0 && s[end - 1] == ' ')
		end--;
	strong = memchr(s, '@', end) != NULL || has_digit(s, end) ||
	    md_trim_opener(s, end);
	ve = find_verb(s, end, &vs);
	if (ve == 0) {
		if (memchr(s, '@', end) != NULL && end > 0 &&
		    (s[end - 1] == '>' || s[end - 1] == ')') && has_time(s, end))
			return MD_ATTR_STRONG;
		return MD_ATTR_NO;
	}
	if (strong)
		return MD_ATTR_STRONG;
	before = count_words(s, vs);
	after = count_words(s + ve, end - ve);
	return before <= 6 && after <= 2 ? MD_ATTR_WEAK : MD_ATTR_NO;
}

/* ---- Outlook header fields -------------------------------------------- */

static const struct {
	const char	*name;
	enum md_hf	 kind;
} fields[] = {
	{ "From", MD_HF_FROM }, { "Sent", MD_HF_DATE }, { "Sent on", MD_HF_DATE },
	{ "Date", MD_HF_DATE }, { "To", MD_HF_TO }, { "Cc", MD_HF_CC },
	{ "Subject", MD_HF_SUBJECT },
	/* de */
	{ "Von", MD_HF_FROM }, { "Gesendet", MD_HF_DATE }, { "Datum", MD_HF_DATE },
	{ "An", MD_HF_TO }, { "Kopie", MD_HF_CC }, { "Betreff", MD_HF_SUBJECT },
	{ "Absender", MD_HF_FROM }, { "Empfänger", MD_HF_TO },
	/* fr */
	{ "De", MD_HF_FROM }, { "Envoyé", MD_HF_DATE }, { "Envoyé le", MD_HF_DATE },
	{ "À", MD_HF_TO }, { "A", MD_HF_TO }, { "Objet", MD_HF_SUBJECT },
	{ "Expéditeur", MD_HF_FROM }, { "Destinataire", MD_HF_TO },
	/* it */
	{ "Da", MD_HF_FROM }, { "Inviato", MD_HF_DATE }, { "Data", MD_HF_DATE },
	{ "Oggetto", MD_HF_SUBJECT }, { "Mittente", MD_HF_FROM },
	{ "Inviato il", MD_HF_DATE },
	/* es, pt */
	{ "Enviado", MD_HF_DATE }, { "Enviado el", MD_HF_DATE },
	{ "Enviada", MD_HF_DATE }, { "Enviada em", MD_HF_DATE },
	{ "Enviado em", MD_HF_DATE }, { "Fecha", MD_HF_DATE },
	{ "Para", MD_HF_TO }, { "CC", MD_HF_CC }, { "Asunto", MD_HF_SUBJECT },
	{ "Assunto", MD_HF_SUBJECT }, { "Remetente", MD_HF_FROM },
	/* nl */
	{ "Van", MD_HF_FROM }, { "Verzonden", MD_HF_DATE }, { "Aan", MD_HF_TO },
	{ "Onderwerp", MD_HF_SUBJECT }, { "Datum", MD_HF_DATE },
	/* sv, da, no */
	{ "Från", MD_HF_FROM }, { "Skickat", MD_HF_DATE }, { "Till", MD_HF_TO },
	{ "Ämne", MD_HF_SUBJECT }, { "Fra", MD_HF_FROM }, { "Sendt", MD_HF_DATE },
	{ "Til", MD_HF_TO }, { "Emne", MD_HF_SUBJECT }, { "Kopi", MD_HF_CC },
	/* fi */
	{ "Lähettäjä", MD_HF_FROM }, { "Lähetetty", MD_HF_DATE },
	{ "Vastaanottaja", MD_HF_TO }, { "Aihe", MD_HF_SUBJECT },
	{ "Päivämäärä", MD_HF_DATE },
	/* pl, cs */
	{ "Od", MD_HF_FROM }, { "Wysłano", MD_HF_DATE }, { "Wysłane", MD_HF_DATE },
	{ "Do", MD_HF_TO }, { "Temat", MD_HF_SUBJECT }, { "DW", MD_HF_CC },
	{ "Odesláno", MD_HF_DATE }, { "Komu", MD_HF_TO }, { "Předmět", MD_HF_SUBJECT },
	{ "Kopie", MD_HF_CC },
	/* ru, uk */
	{ "От", MD_HF_FROM }, { "Отправлено", MD_HF_DATE }, { "Кому", MD_HF_TO },
	{ "Тема", MD_HF_SUBJECT }, { "Копия", MD_HF_CC }, { "Дата", MD_HF_DATE },
	{ "Від", MD_HF_FROM }, { "Надіслано", MD_HF_DATE }, { "Копія", MD_HF_CC },
	{ "Отправитель", MD_HF_FROM },
	/* tr, hu */
	{ "Kimden", MD_HF_FROM }, { "Gönderildi", MD_HF_DATE }, { "Kime", MD_HF_TO },
	{ "Konu", MD_HF_SUBJECT }, { "Tarih", MD_HF_DATE }, { "Bilgi", MD_HF_CC },
	{ "Feladó", MD_HF_FROM }, { "Elküldve", MD_HF_DATE },
	{ "Címzett", MD_HF_TO }, { "Tárgy", MD_HF_SUBJECT },
	/* zh, ja, ko */
	{ "发件人", MD_HF_FROM }, { "發件人", MD_HF_FROM }, { "寄件者", MD_HF_FROM },
	{ "发送时间", MD_HF_DATE }, { "發送時間", MD_HF_DATE }, { "寄件日期", MD_HF_DATE },
	{ "日期", MD_HF_DATE }, { "时间", MD_HF_DATE },
	{ "收件人", MD_HF_TO }, { "收件者", MD_HF_TO }, { "抄送", MD_HF_CC },
	{ "副本", MD_HF_CC }, { "主题", MD_HF_SUBJECT }, { "主題", MD_HF_SUBJECT },
	{ "主旨", MD_HF_SUBJECT },
	{ "差出人", MD_HF_FROM }, { "送信日時", MD_HF_DATE }, { "日付", MD_HF_DATE },
	{ "宛先", MD_HF_TO }, { "件名", MD_HF_SUBJECT },
	{ "보낸 사람", MD_HF_FROM }, { "보낸 날짜", MD_HF_DATE },
	{ "받는 사람", MD_HF_TO }, { "참조", MD_HF_CC }, { "제목", MD_HF_SUBJECT },
	{ "날짜", MD_HF_DATE },
};

/* "From:", "*From:*", "De :", "件名：" ... at the start of s. */
enum md_hf
md_trim_header_field(const char *s, size_t n, size_t *value)
{
	size_t i, j, k, start = 0;

	while (start < n && s[start] == '*')
		start++;
	for (i = 0; i < N(fields); i++) {
		k = strlen(fields[i].name);
		if (n - start < k + 1 ||
		    strncasecmp(s + start, fields[i].name, k) != 0)
			continue;
		j = start + k;
		while (j < n && (s[j] == ' ' || s[j] == '*'))
			j++;
		if (j < n && s[j] == ':')
			j++;
		else if (n - j >= 3 && memcmp(s + j, "\xef\xbc\x9a", 3) == 0)
			j += 3;
		else
			continue;
		while (j < n && (s[j] == ' ' || s[j] == '*'))
			j++;
		*value = j;
		return fields[i].kind;
	}
	return MD_HF_NONE;
}

/* Not "VS:": a forward in Danish and Norwegian, but a reply in Finnish. */
static const char *const fwd_prefixes[] = {
	"FW:", "FWD:", "FW :", "FWD :", "WG:", "TR:", "TR :", "RV:", "I:",
	"Doorst:", "VB:", "VL:", "ENC:", "PD:", "Przekaż:", "İLT:", "ILT:",
	"Пересл:", "ПЕРЕСЛ:", "Fwd:", "Trans:", "Rif:", "转发:", "转发：", "轉寄:",
	"轉寄：", "転送:", "転送：", "전달:", "PS:",
};

int
md_trim_forward_subject(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < N(fwd_prefixes); i++)
		if (md_trim_starts(s, n, fwd_prefixes[i]))
			return 1;
	return 0;
}

/* ---- separators ------------------------------------------------------- */

static const char *const forward_phrases[] = {
	"Forwarded message", "Forwarded Message", "Forwarded e-mail",
	"Begin forwarded message", "Forwarded email",
	"Weitergeleitete Nachricht", "Anfang der weitergeleiteten Nachricht",
	"Weitergeleitete E-Mail",
	"Message transféré", "Début du message réexpédié", "Message transmis",
	"Début du message transféré",
	"Messaggio inoltrato", "Inizio messaggio inoltrato",
	"Mensaje reenviado", "Inicio del mensaje reenviado",
	"Comienzo del mensaje reenviado",
	"Mensagem encaminhada", "Início da mensagem reencaminhada",
	"Início da mensagem encaminhada",
	"Doorgestuurd bericht", "Begin doorgestuurd bericht",
	"Vidarebefordrat meddelande", "Vidarebefordrat brev",
	"Videresendt melding", "Videresendt meddelelse", "Videresendt e-post",
	"Start på videresendt besked", "Videresendt besked",
	"Välitetty viesti", "Välitetty viesti alkaa",
	"Przekazana wiadomość", "Początek przekazywanej wiadomości",
	"Wiadomość przekazana dalej",
	"Пересылаемое сообщение", "Пересланное сообщение",
	"Начало переадресованного сообщения",
	"Переслане повідомлення", "Пересланий лист", "Початок пересланого листа",
	"Přeposlaná zpráva", "Začátek přeposílané zprávy",
	"İletilmiş ileti", "Yönlendirilmiş ileti", "İletilen mesaj",
	"Továbbított üzenet",
	"转发的邮件", "以下是转发的邮件", "轉寄的郵件", "轉寄郵件",
	"転送されたメッセージ", "転送メッセージ",
	"전달된 메시지", "전달된 메일",
};

static const char *const original_phrases[] = {
	"Original Message", "Original", "Original Email", "Reply Message",
	"Original Mail", "Mail original", "Ursprüngliche Mail", "Originalmail",
	"E-mail original", "Correo original", "Messaggio originale inviato",
	"Replied Message", "Ursprüngliche Nachricht", "Originalnachricht",
	"Original-Nachricht", "Message d'origine", "Message original",
	"Messaggio originale", "Messaggio Originale", "Mensaje original",
	"Mensagem original", "Mensagem Original",
	"Oorspronkelijk bericht", "Origineel bericht", "Oorspronkelijk Bericht",
	"Originalmeddelande", "Ursprungligt meddelande", "Opprinnelig melding",
	"Original meddelelse", "Oprindelig meddelelse", "Alkuperäinen viesti",
	"Wiadomość oryginalna", "Oryginalna wiadomość", "Oryginalna wiadomosc",
	"Исходное сообщение", "Оригинальное сообщение", "Исходное письмо",
	"Вихідне повідомлення", "Оригінальне повідомлення", "Оригінальний лист",
	"Původní zpráva", "Puvodni zprava", "Orijinal ileti", "Özgün ileti",
	"Orijinal Mesaj", "Eredeti üzenet",
	"原始邮件", "原始郵件", "原邮件", "回复的原邮件",
	"元のメッセージ", "元のメール", "원본 메시지", "원래 메시지",
};

static int
decor(char c)
{
	return c == '-' || c == '_' || c == '=' || c == '*' || c == ' ' ||
	    c == '~';
}

static int
phrase_in(const char *s, size_t n, const char *const *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strlen(list[i]) == n && strncasecmp(s, list[i], n) == 0)
			return 1;
	return 0;
}

/*
 * "-----Original Message-----", "---------- Forwarded message ---------",
 * "Begin forwarded message:", "________________________________".
 */
enum md_sep
md_trim_separator(const char *s, size_t n)
{
	size_t a = 0, b = n, i;
	int decorated;

	if (n == 0 || n > 120)
		return MD_SEP_NONE;
	for (i = 0; i < n && (s[i] == '_' || s[i] == ' '); i++)
		;
	if (i == n && n >= 10)
		return MD_SEP_RULE;
	for (i = 0; i < n && (s[i] == '-' || s[i] == ' '); i++)
		;
	if (i == n && n >= 5)
		return MD_SEP_RULE;
	while (a < b && decor(s[a]))
		a++;
	while (b > a && decor(s[b - 1]))
		b--;
	decorated = a >= 2 && n - b >= 2;
	if (b > a && s[b - 1] == ':') {
		b--;
		while (b > a && s[b - 1] == ' ')
			b--;
	} else if (b > a + 3 && memcmp(s + b - 3, "\xef\xbc\x9a", 3) == 0)
		b -= 3;
	if (phrase_in(s + a, b - a, forward_phrases, N(forward_phrases)))
		return MD_SEP_FORWARD;
	if (decorated && phrase_in(s + a, b - a, original_phrases,
	    N(original_phrases)))
		return MD_SEP_ORIGINAL;
	return MD_SEP_NONE;
}

/* ---- "Sent from my iPhone" -------------------------------------------- */

/* A line that starts with .pre and ends with .suf, with little between. */
static const struct { const char *pre, *suf; } sent_from[] = {
	{ "Sent from my ", "" }, { "Sent from ", "" }, { "Sent via ", "" },
	{ "Sent with ", "" }, { "Sent using ", "" }, { "Get Outlook for ", "" },
	{ "Sent on the go", "" },
	{ "Von meinem ", " gesendet" }, { "Gesendet von ", "" },
	{ "Gesendet mit ", "" }, { "Gesendet vom ", "" }, { "Outlook für ", " beziehen" },
	{ "Envoyé de mon ", "" }, { "Envoyé depuis ", "" },
	{ "Envoyé à partir de ", "" }, { "Envoyé avec ", "" },
	{ "Obtenir Outlook pour ", "" }, { "Télécharger Outlook pour ", "" },
	{ "Inviato da ", "" }, { "Inviato dal mio ", "" },
	{ "Scarica Outlook per ", "" }, { "Ottieni Outlook per ", "" },
	{ "Enviado desde mi ", "" }, { "Enviado desde ", "" },
	{ "Enviado do meu ", "" }, { "Enviado de meu ", "" },
	{ "Enviado de mi ", "" }, { "Enviado do ", "" },
	{ "Enviado a partir do ", "" }, { "Obtener Outlook para ", "" },
	{ "Obtenha o Outlook para ", "" }, { "Baixe o Outlook para ", "" },
	{ "Verstuurd vanaf mijn ", "" }, { "Verzonden vanaf mijn ", "" },
	{ "Verstuurd vanaf ", "" }, { "Verzonden vanaf ", "" },
	{ "Verzonden met ", "" }, { "Verstuurd met ", "" },
	{ "Outlook voor ", " downloaden" }, { "Download Outlook voor ", "" },
	{ "Skickat från min ", "" }, { "Skickat från ", "" },
	{ "Hämta Outlook för ", "" }, { "Sendt fra min ", "" },
	{ "Sendt fra ", "" }, { "Hent Outlook for ", "" }, { "Få Outlook til ", "" },
	{ "Lähetetty ", "" }, { "Hanki Outlook ", "" },
	{ "Wysłane z mojego ", "" }, { "Wysłane z ", "" }, { "Wysłano z ", "" },
	{ "Pobierz aplikację Outlook", "" }, { "Pobierz Outlook dla ", "" },
	{ "Отправлено с ", "" }, { "Отправлено из ", "" },
	{ "Отправлено через ", "" }, { "Получить Outlook для ", "" },
	{ "Надіслано з ", "" }, { "Надіслано від ", "" },
	{ "Odesláno z ", "" }, { "Odesláno ze ", "" }, { "Získat Outlook pro ", "" },
	{ "", "'dan gönderildi" }, { "", "\xe2\x80\x99" "dan gönderildi" },
	{ "", "'den gönderildi" }, { "", "'tan gönderildi" },
	{ "", "'umdan gönderildi" }, { "", "\xe2\x80\x99" "umdan gönderildi" },
	{ "", "'imden gönderildi" },
	{ "发自我的", "" }, { "发自", "" }, { "從我的", "" }, { "寄件者為我的", "" },
	{ "", "から送信" }, { "", "から送信しました" }, { "", "から送信されました" },
	{ "내 ", "에서 보냄" }, { "", "에서 보냄" }, { "", "에서 보냄." },
};

/*
 * The line, less "<https://...>" links that Outlook and Windows Mail put
 * in the middle ("Sent from Mail<https://go.microsoft...> for Windows"),
 * must be one of the forms above with at most SENT_WORDS words between
 * and no sentence punctuation: "Sent from my iPhone, the update works"
 * is the customer's text.
 */
int
md_trim_sent_from(const char *s, size_t n)
{
	char buf[SENT_MAX + 1];
	size_t i, k = 0, pl, sl;
	const char *gt;

	if (n == 0 || n > 4 * SENT_MAX)
		return 0;
	for (i = 0; i < n && k < SENT_MAX; i++) {
		if (s[i] == '<' && (gt = memchr(s + i, '>', n - i)) != NULL) {
			i = (size_t)(gt - s);
			continue;
		}
		/* an HTML rendering's "(https://...)" after a link's text */
		if (s[i] == '(' && (md_trim_starts(s + i + 1, n - i - 1, "http") ||
		    md_trim_starts(s + i + 1, n - i - 1, "mailto:")) &&
		    (gt = memchr(s + i, ')', n - i)) != NULL) {
			i = (size_t)(gt - s);
			continue;
		}
		buf[k++] = s[i];
	}
	if (i < n)
		return 0;
	while (k > 0 && (buf[k - 1] == ' ' || buf[k - 1] == '.'))
		k--;
	buf[k] = '\0';
	for (i = 0; i < N(sent_from); i++) {
		const char *mid;
		size_t mlen, j;

		pl = strlen(sent_from[i].pre);
		sl = strlen(sent_from[i].suf);
		if (k < pl + sl || !md_trim_starts(buf, k, sent_from[i].pre) ||
		    !ends_ci(buf, k, sent_from[i].suf))
			continue;
		mid = buf + pl;
		mlen = k - pl - sl;
		if (count_words(mid, mlen) > SENT_WORDS || mlen > 60)
			continue;
		for (j = 0; j < mlen; j++)
			if (strchr(",;:!?()\"", mid[j]) != NULL ||
			    (mid[j] == '.' && j + 1 < mlen && mid[j + 1] == ' '))
				break;
		if (j == mlen)
			return 1;
	}
	return 0;
}
