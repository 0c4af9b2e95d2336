/*
 * trim_words.c - the words mail clients put around quoted history, in the
 * languages customers write in: the tables behind trim_lang.c's matchers
 * (attribution openers and verbs, Outlook header field names, forward
 * subject prefixes, "Forwarded message" and "Original Message" separators,
 * "Sent from my iPhone" lines).
 *
 * The phrases are the clients' own localisation strings (Gmail, Outlook,
 * Apple Mail, Thunderbird, Yahoo, mobile apps).  Matching is ASCII-case-
 * insensitive; other letters are listed in the case the clients use.
 * Adding a language is adding its words here: the rules that use them
 * (trim.c, trim_lang.c) know no language.  An entry that an earlier one
 * matches already (same letters, other ASCII case) is never reached.
 */
#include "config.h"

#include <stddef.h>

#include "trim_int.h"

#define N(a)	(sizeof (a) / sizeof (a)[0])

/* Sentence starts of reply headers that begin with the date. */
const char *const md_trim_openers[] = {
	"On ", "Am ", "Le ", "El ", "Il ", "Em ", "Op ", "Den ", "På ",
	"W dniu ", "Dnia ", "Dne ", "В ", "У ", "Во ", "在", "於", "于",
	/* el, ro, bg, sk, hr, sl, vi, id/ms, ar, he, fa, th, et */
	"Στις ", "În ", "Pe ", "На ", "Dňa ", "Dana ", "V ", "Vào ", "Pada ",
	"في ", "בתאריך ", "ב-", "در ", "เมื่อ ", "ในวันที่ ", "Kontakti ",
};
const size_t md_trim_openers_n = N(md_trim_openers);

/*
 * "wrote" and its translations, also the "you wrote" forms: they must
 * stand as words (scripts written with spaces between words).
 */
const char *const md_trim_verbs[] = {
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
	"написав(-ла)", "написав", "пише", "писав",
	"napsal(a)", "napsal", "napsala", "napsali", "píše",
	"yazdı", "yazmış", "írta",
	/* el, ro, bg, mk, sr/hr/bs, sk, sl */
	"έγραψε", "έγραψες", "γράψατε", "a scris", "ați scris",
	"написа", "написахте", "napisao", "napisala", "napisali", "написао",
	"napísal(a)", "napísal", "napísala", "napísali",
	"napisal(a)", "napisal", "napisana",	/* pl: Apple's "Wiadomość napisana przez" */
	/* lt, lv, et, ca, gl, eu, is, nn */
	"rašė", "parašė", "rakstīja", "kirjutas", "kirjutasite",
	"va escriure", "ha escrit", "escribiu", "idatzi zuen", "skrifaði",
	"skreiv",
	/* ar, he, fa, hi, vi, id/ms, sq, ka, hy, kk, sw, tl */
	"كتب", "كتبت", "כתב", "כתבה", "נכתב", "نوشت", "نوشته", "ने लिखा",
	"लिखा", "đã viết", "menulis", "shkroi", "დაწერა", "գրել է", "жазды",
	"aliandika", "sumulat",
};
const size_t md_trim_verbs_n = N(md_trim_verbs);
_Static_assert(N(md_trim_verbs) <= MD_TRIM_VERBS_MAX, "raise MD_TRIM_VERBS_MAX");

/* The same in scripts without spaces between words: found anywhere. */
const char *const md_trim_unspaced_verbs[] = {
	"写道", "寫道", "のメッセージ", "のメール", "書きました", "は書きました",
	"작성", "님이 작성", "썼습니다", "님의 메시지",
	"쓴 글", "이(가) 쓴 글", "เขียนว่า",
};
const size_t md_trim_unspaced_verbs_n = N(md_trim_unspaced_verbs);

/* Outlook-style header field names ("From:", "Von:", "De :" ...). */
const struct md_trim_field md_trim_fields[] = {
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
	{ "Para", MD_HF_TO }, { "Asunto", MD_HF_SUBJECT },
	{ "Assunto", MD_HF_SUBJECT }, { "Remetente", MD_HF_FROM },
	/* nl */
	{ "Van", MD_HF_FROM }, { "Verzonden", MD_HF_DATE }, { "Aan", MD_HF_TO },
	{ "Onderwerp", MD_HF_SUBJECT },
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
	/* fr, es, it, ca (Thunderbird's forward tables), da/no, fi */
	{ "Sujet", MD_HF_SUBJECT }, { "Pour", MD_HF_TO }, { "Dato", MD_HF_DATE },
	{ "Päiväys", MD_HF_DATE }, { "Enviat", MD_HF_DATE }, { "Per a", MD_HF_TO },
	{ "Assumpte", MD_HF_SUBJECT },
	/* zh, ja, ko webmail and Thunderbird (163, Naver, Daum) */
	{ "发送日期", MD_HF_DATE }, { "發送日期", MD_HF_DATE }, { "送信者", MD_HF_FROM },
	{ "送信日", MD_HF_DATE }, { "보낸사람", MD_HF_FROM }, { "받는사람", MD_HF_TO },
	/* pl and cs webmail (WP, o2, Seznam) */
	{ "Nadawca", MD_HF_FROM }, { "Odesílatel", MD_HF_FROM },
	{ "Adresat", MD_HF_TO },
	/* el */
	{ "Από", MD_HF_FROM }, { "Στάλθηκε", MD_HF_DATE }, { "Προς", MD_HF_TO },
	{ "Κοιν.", MD_HF_CC }, { "Θέμα", MD_HF_SUBJECT }, { "Ημερομηνία", MD_HF_DATE },
	/* hu, ro */
	{ "Másolatot kap", MD_HF_CC }, { "Másolat", MD_HF_CC }, { "Dátum", MD_HF_DATE },
	{ "Küldve", MD_HF_DATE },
	{ "De la", MD_HF_FROM }, { "Trimis", MD_HF_DATE }, { "Către", MD_HF_TO },
	{ "Subiect", MD_HF_SUBJECT },
	/* bg, sr, hr, sk, sl */
	{ "Изпратено", MD_HF_DATE }, { "До", MD_HF_TO }, { "Относно", MD_HF_SUBJECT },
	{ "Копие", MD_HF_CC }, { "Од", MD_HF_FROM }, { "Послато", MD_HF_DATE },
	{ "За", MD_HF_TO }, { "Предмет", MD_HF_SUBJECT }, { "Poslato", MD_HF_DATE },
	{ "Za", MD_HF_TO }, { "Tema", MD_HF_SUBJECT }, { "Šalje", MD_HF_FROM },
	{ "Poslano", MD_HF_DATE }, { "Prima", MD_HF_TO }, { "Predmet", MD_HF_SUBJECT },
	{ "Kopija", MD_HF_CC }, { "Odoslané", MD_HF_DATE }, { "Zadeva", MD_HF_SUBJECT },
	/* lt, lv, et */
	{ "Nuo", MD_HF_FROM }, { "Išsiųsta", MD_HF_DATE }, { "Kam", MD_HF_TO },
	{ "No", MD_HF_FROM }, { "Nosūtīts", MD_HF_DATE }, { "Tēma", MD_HF_SUBJECT },
	{ "Saatja", MD_HF_FROM }, { "Saadetud", MD_HF_DATE },
	{ "Adressaat", MD_HF_TO }, { "Teema", MD_HF_SUBJECT }, { "Koopia", MD_HF_CC },
	/* ar, he, fa */
	{ "من", MD_HF_FROM }, { "تم الإرسال", MD_HF_DATE }, { "إلى", MD_HF_TO },
	{ "الموضوع", MD_HF_SUBJECT }, { "نسخة", MD_HF_CC }, { "التاريخ", MD_HF_DATE },
	{ "מאת", MD_HF_FROM }, { "נשלח", MD_HF_DATE }, { "אל", MD_HF_TO },
	{ "נושא", MD_HF_SUBJECT }, { "עותק", MD_HF_CC }, { "תאריך", MD_HF_DATE },
	{ "از", MD_HF_FROM }, { "ارسال شده", MD_HF_DATE }, { "به", MD_HF_TO },
	{ "موضوع", MD_HF_SUBJECT }, { "رونوشت", MD_HF_CC }, { "تاریخ", MD_HF_DATE },
	/* hi, th, vi */
	{ "प्रेषक", MD_HF_FROM }, { "भेजा गया", MD_HF_DATE }, { "प्रति", MD_HF_TO },
	{ "विषय", MD_HF_SUBJECT }, { "दिनांक", MD_HF_DATE },
	{ "จาก", MD_HF_FROM }, { "ส่ง", MD_HF_DATE }, { "ถึง", MD_HF_TO },
	{ "เรื่อง", MD_HF_SUBJECT }, { "สำเนาถึง", MD_HF_CC }, { "วันที่", MD_HF_DATE },
	{ "Từ", MD_HF_FROM }, { "Đã gửi", MD_HF_DATE }, { "Đến", MD_HF_TO },
	{ "Chủ đề", MD_HF_SUBJECT }, { "Ngày", MD_HF_DATE },
	/* id, ms */
	{ "Dari", MD_HF_FROM }, { "Dikirim", MD_HF_DATE }, { "Kepada", MD_HF_TO },
	{ "Perihal", MD_HF_SUBJECT }, { "Subjek", MD_HF_SUBJECT },
	{ "Tanggal", MD_HF_DATE }, { "Tembusan", MD_HF_CC },
	{ "Daripada", MD_HF_FROM }, { "Dihantar", MD_HF_DATE },
	{ "Perkara", MD_HF_SUBJECT }, { "Tarikh", MD_HF_DATE },
};
const size_t md_trim_fields_n = N(md_trim_fields);

/* Subject prefixes of forwards.  Not "VS:": a forward in Danish and
 * Norwegian, but a reply in Finnish. */
const char *const md_trim_fwd_prefixes[] = {
	"FW:", "FWD:", "FW :", "FWD :", "WG:", "TR:", "TR :", "RV:", "I:",
	"Doorst:", "VB:", "VL:", "ENC:", "PD:", "Przekaż:", "İLT:", "ILT:",
	"Пересл:", "ПЕРЕСЛ:", "Trans:", "Rif:", "转发:", "转发：", "轉寄:",
	"轉寄：", "転送:", "転送：", "전달:", "PS:",
	"TOV:", "הועבר:",
};
const size_t md_trim_fwd_prefixes_n = N(md_trim_fwd_prefixes);

/* "---------- Forwarded message ---------", "Begin forwarded message:". */
const char *const md_trim_forward_phrases[] = {
	"Forwarded message", "Forwarded e-mail",
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
	"Továbbított levél", "Továbbított levél kezdete",
	"Προωθημένο μήνυμα", "Αρχή προωθημένου μηνύματος",
	"Mesaj redirecționat", "Începutul mesajului redirecționat",
	"Препратено съобщение", "Препратено писмо",
	"Proslijeđena poruka", "Prosleđena poruka", "Прослеђена порука",
	"Preposlaná správa", "Posredovano sporočilo",
	"Persiųstas laiškas", "Pārsūtīta ziņa", "Edastatud kiri", "Edastatud sõnum",
	"Missatge reenviat", "Inici del missatge reenviat",
	"رسالة معاد توجيهها", "بداية الرسالة المعاد توجيهها",
	"הודעה שהועברה", "תחילת הודעה שהועברה",
	"अग्रेषित संदेश", "ข้อความที่ส่งต่อ",
	"Thư được chuyển tiếp", "Thư đã chuyển tiếp",
	"Bắt đầu tin nhắn được chuyển tiếp", "Tin nhắn được chuyển tiếp",
	"Pesan terusan", "Pesan yang diteruskan", "Awal pesan yang diteruskan",
	"Mesej dimajukan", "转发邮件信息", "轉寄郵件資訊",
	/* Apple Mail's "Begin forwarded message:" */
	"Početak proslijeđene poruke", "Začiatok preposlanej správy",
	"Začetek posredovanega sporočila", "เริ่มข้อความที่ส่งต่อ",
	"Permulaan mesej yang dimajukan", "Begynnelse på videresendt melding",
	"Vidarebefordrat mejl",
};
const size_t md_trim_forward_phrases_n = N(md_trim_forward_phrases);

/* "-----Original Message-----" (between decorations only). */
const char *const md_trim_original_phrases[] = {
	"Original Message", "Original", "Original Email", "Reply Message",
	"Original Mail", "Mail original", "Ursprüngliche Mail", "Originalmail",
	"E-mail original", "Correo original", "Messaggio originale inviato",
	"Replied Message", "Ursprüngliche Nachricht", "Originalnachricht",
	"Original-Nachricht", "Message d'origine", "Message original",
	"Messaggio originale", "Mensaje original",
	"Mensagem original",
	"Oorspronkelijk bericht", "Origineel bericht",
	"Originalmeddelande", "Ursprungligt meddelande", "Opprinnelig melding",
	"Original meddelelse", "Oprindelig meddelelse", "Alkuperäinen viesti",
	"Wiadomość oryginalna", "Oryginalna wiadomość", "Oryginalna wiadomosc",
	"Исходное сообщение", "Оригинальное сообщение", "Исходное письмо",
	"Вихідне повідомлення", "Оригінальне повідомлення", "Оригінальний лист",
	"Původní zpráva", "Puvodni zprava", "Orijinal ileti", "Özgün ileti",
	"Orijinal Mesaj", "Eredeti üzenet",
	"原始邮件", "原始郵件", "原邮件", "回复的原邮件",
	"元のメッセージ", "元のメール", "원본 메시지", "원래 메시지",
	"Eredeti levél", "Αρχικό μήνυμα", "Mesaj original", "Mesajul original",
	"Оригинално съобщение", "Izvorna poruka", "Originalna poruka",
	"Оригинална порука", "Pôvodná správa", "Izvirno sporočilo",
	"Originalus pranešimas", "Originalus laiškas", "Sākotnējais ziņojums",
	"Algne sõnum", "Algsõnum", "Missatge original", "Mensaxe orixinal",
	"Jatorrizko mezua", "Початкове повідомлення",
	"الرسالة الأصلية", "הודעה מקורית", "ההודעה המקורית", "پیام اصلی",
	"मूल संदेश", "ข้อความต้นฉบับ", "Thư gốc", "Tin nhắn gốc", "Pesan Asli",
	"Mesej Asal",
	/* webmail and Samsung Email */
	"Původní e-mail", "Původní email", "원본 메일", "Mail d'origine",
	"原始信息", "原始訊息", "オリジナルメッセージ",
};
const size_t md_trim_original_phrases_n = N(md_trim_original_phrases);

/* "Sent from my iPhone": a whole short line from .pre to .suf. */
const struct md_trim_affix md_trim_sent_lines[] = {
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
	{ "내 ", "에서 보냄" }, { "", "에서 보냄" },
	{ "Von ", " gesendet" }, { "Envoyé de Yahoo", "" },
	{ "Diese Nachricht wurde von meinem ", " gesendet" },
	{ "Στάλθηκε από ", "" }, { "", "ról küldve" }, { "", "ről küldve" },
	{ "Trimis de pe ", "" }, { "Trimis din ", "" }, { "Trimis cu ", "" },
	{ "Изпратено от ", "" }, { "Poslano s ", "" }, { "Poslano sa ", "" },
	{ "Poslano iz ", "" }, { "Poslano z ", "" }, { "Poslato sa ", "" },
	{ "Послато са ", "" }, { "Odoslané z ", "" }, { "Odoslané zo ", "" },
	{ "Išsiųsta iš ", "" }, { "Nosūtīts no ", "" }, { "Saadetud ", "" },
	{ "Enviat des del meu ", "" }, { "Enviat des de ", "" },
	{ "Enviat amb ", "" },
	{ "أُرسلت من ", "" }, { "أرسلت من ", "" }, { "مرسل من ", "" },
	{ "נשלח מה-", "" }, { "נשלח מ-", "" }, { "נשלח מתוך ", "" },
	{ "ارسال شده از ", "" }, { "فرستاده شده از ", "" },
	{ "मेरे ", " से भेजा गया" }, { "", " से भेजा गया" }, { "ส่งจาก", "" },
	{ "Được gửi từ ", "" }, { "Gửi từ ", "" }, { "Dikirim dari ", "" },
	{ "Dikirim melalui ", "" }, { "Dihantar dari ", "" },
	{ "Dihantar daripada ", "" },
};
const size_t md_trim_sent_lines_n = N(md_trim_sent_lines);

/*
 * Links the mail apps put in their "Sent from" lines (.pre) and the app's
 * name the line shows (.suf): a short line with both is such a line
 * whatever its language ("Outlook beszerzése iOS rendszerre<aka.ms/..>").
 */
const struct md_trim_affix md_trim_app_links[] = {
	{ "aka.ms/", "Outlook" }, { "go.microsoft.com/fwlink", "Mail" },
	{ "mail.yahoo.com", "Yahoo" }, { "yahoo.com/?.src", "Yahoo" },
	{ "mail.onelink.me", "Yahoo" }, { "onelink.me/107872968", "Yahoo" },
	{ "proton.me", "Proton" }, { "protonmail.com", "Proton" },
	{ "protonmail.ch", "Proton" }, { "tuta.com", "Tuta" },
	{ "tutanota.com", "Tuta" }, { "sparkmailapp.com", "Spark" },
	{ "bluemail.me", "BlueMail" }, { "typeapp.com", "TypeApp" },
	{ "edison.tech", "Edison" }, { "airmailapp.com", "Airmail" },
	{ "nine.email", "Nine" },
};
const size_t md_trim_app_links_n = N(md_trim_app_links);

/* Apologies that may follow a "Sent from" line in the same line. */
const char *const md_trim_excuses[] = {
	"Please excuse", "Excuse my", "Excuse any", "Excuse the", "Excuse typos",
	"Sorry for any", "Sorry for typos", "Sorry for the brevity",
	"Sorry for brevity", "Pardon my", "Pardon the", "Pardon any",
	"Apologies for",
	"Bitte entschuldigen", "Entschuldigen Sie", "Entschuldigt",
	"Excusez", "Veuillez excuser", "Désolé pour", "Scusate", "Scusa",
	"Disculpe", "Disculpa", "Perdone", "Desculpe", "Excuseer",
	"Por favor, disculp", "Por favor disculp", "Por favor, desculp",
	"Ursäkta", "Undskyld", "Unnskyld", "Pahoittelen", "Przepraszam",
	"Извините", "Вибачте", "Omlouvám",
};
const size_t md_trim_excuses_n = N(md_trim_excuses);
