/*
 * test_mime_charsets.c - md_mime_parse on text as real clients and broken
 * senders label it: legacy and mislabelled charsets (ISO-2022-JP, cp932,
 * cp949, GB18030, Big5, KOI8-R, windows-125x), HTML <meta> charsets, raw
 * 8-bit headers and RFC 2047 quirks.  Fixtures: tests/fixtures/mime; the
 * structures of real clients are test_mime_realworld.c's.
 */
#include "config.h"

#include "mime_fixture.h"

#define att_named(m, name) find_attachment((m), NULL, (name))

/* ---- charsets -------------------------------------------------------- */

START_TEST(iso2022jp_with_rfc2047)
{
	struct md_mime m;

	parse_file("iso2022jp.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "プリンターが動きません");
	ck_assert_str_eq(m.from_name, "山田 太郎");
	ck_assert_str_eq(m.from_addr, "taro.yamada@example.jp");
	ck_assert_str_eq(m.text, "サポートご担当者様\n\n昨日から印刷ができません。\n"
	    "よろしくお願いいたします。\n山田太郎\n");
	ck_assert_int_eq(m.parse_error, 0);
	md_mime_free(&m);
}
END_TEST

/* Raw JIS escapes in Subject and From, no charset on the body. */
START_TEST(iso2022jp_raw_headers)
{
	struct md_mime m;

	parse_file("iso2022jp_raw_headers.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "請求書について");
	ck_assert_int_eq(m.from_count, 1);
	ck_assert_str_eq(m.from_name, "鈴木 花子");
	ck_assert_str_eq(m.from_addr, "hanako@example.jp");
	ck_assert_str_eq(m.text, "請求書が届いていません。\n");
	md_mime_free(&m);
}
END_TEST

/* Windows' ISO-2022-JP: NEC circled digit, half-width katakana. */
START_TEST(iso2022jp_windows_extensions)
{
	struct md_mime m;

	parse_file("iso2022jp_nec.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "問い合わせ");
	ck_assert_str_eq(m.from_name, "高橋");
	ck_assert_str_eq(m.text, "お問い合わせ\n① ｱ test\n");
	md_mime_free(&m);
}
END_TEST

/* Labelled Shift_JIS, written in cp932 (circled digits, ㈱). */
START_TEST(shift_jis_is_cp932)
{
	struct md_mime m;

	parse_file("shift_jis_cp932.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "ログイン不可（至急）");
	ck_assert_str_eq(m.from_name, "佐藤");
	ck_assert_str_eq(m.text, "お世話になっております。㈱サンプルの佐藤です。\n"
	    "①ログインできない\n②パスワード再設定も失敗\n");
	md_mime_free(&m);
}
END_TEST

/* Outlook's ks_c_5601-1987 with a UHC-only syllable, in headers and body. */
START_TEST(korean_outlook_label)
{
	struct md_mime m;

	parse_file("ks_c_5601.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "주문 문의 똠");
	ck_assert_str_eq(m.from_name, "김민수");
	ck_assert_str_eq(m.text, "안녕하세요. 똠양꿍 주문 건으로 문의드립니다.\n");
	assert_has(m.html, "<p class=MsoNormal>안녕하세요. 똠양꿍");
	assert_lacks(m.text, "multi-part message");	/* preamble */
	ck_assert_int_eq(m.html_only, 0);
	ck_assert_uint_eq(m.nattachments, 0);
	md_mime_free(&m);

	parse_file("euc_kr_qp.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "비밀번호");
	ck_assert_str_eq(m.text, "비밀번호를 잊어버렸습니다.\n");
	md_mime_free(&m);
}
END_TEST

START_TEST(chinese_charsets)
{
	struct md_mime m;

	/* declared gb2312, GBK characters; encoded word in a quoted name */
	parse_file("gb2312_gbk.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "订单查询：喆");
	ck_assert_str_eq(m.from_name, "王喆");
	ck_assert_str_eq(m.text, "您好，我是王喆。朱镕基路的订单还没有收到，请帮忙查询。\n");
	md_mime_free(&m);

	/* adjacent words in two charsets; GB18030's four-byte forms */
	parse_file("gb18030_big5.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "繁體測試简体");
	ck_assert_str_eq(m.text, "测试 GB18030 四字节：😀 和 €\n");
	md_mime_free(&m);

	/* "charset=big5 (Traditional Chinese)": a comment after the value */
	parse_file("big5_comment.eml", 0, 0, &m);
	ck_assert_str_eq(m.text, "請問發票何時寄出？謝謝。\n");
	md_mime_free(&m);
}
END_TEST

START_TEST(cyrillic_and_central_european)
{
	struct md_mime m;

	/* lowercase ?q? and ?b?, QP with lowercase hex and soft breaks */
	parse_file("koi8r_qp_lower.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "Не работает вход");
	ck_assert_str_eq(m.from_name, "Иван");
	ck_assert_str_eq(m.text, "Здравствуйте! У нас не работает вход в личный "
	    "кабинет после обновления браузера.\n");
	md_mime_free(&m);

	/* a character cut between two encoded words */
	parse_file("cp1251_split_words.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject,
	    "Счёт №42 не оплачен — срочно проверьте, пожалуйста");
	ck_assert_str_eq(m.text, "Добрый день,\nсчёт №42 всё ещё не оплачен.\n");
	md_mime_free(&m);

	/* charset = "Windows-1250" (blanks, quotes, case), ISO-8859-2/-15 words */
	parse_file("cp1250_latin2.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "Přihlášení a cena 100 €");
	ck_assert_str_eq(m.from_name, "Jiří Šťastný");
	ck_assert_str_eq(m.text, "Dobrý den, nefunguje mi přihlášení. Děkuji, "
	    "Jiří Šťastný\n");
	md_mime_free(&m);
}
END_TEST

START_TEST(mislabelled_charsets)
{
	const struct md_attachment *a;
	struct md_mime m;

	/* us-ascii over UTF-8 bytes; raw UTF-8 in the headers */
	parse_file("ascii_label_utf8_body.eml", 1, 1024, &m);
	ck_assert_str_eq(m.subject, "Mañana no puedo");
	ck_assert_str_eq(m.from_name, "José");
	ck_assert_str_eq(m.text, "El año pasado funcionaba. Señor Peña.");
	a = att_named(&m, "notas.txt");
	ck_assert_str_eq(a->content_type, "text/plain");
	ck_assert_str_eq(a->data, "Notas");
	md_mime_free(&m);

	/* utf-8 over windows-1252 bytes; raw Latin-1 headers */
	parse_file("utf8_label_latin1_body.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "Résiliation");
	ck_assert_str_eq(m.from_name, "François");
	ck_assert_str_eq(m.text, "Je voudrais résilier mon abonnement à partir "
	    "de décembre. Merci € bientôt.\n");
	md_mime_free(&m);
}
END_TEST

/* HTML whose charset is only in its <meta>. */
START_TEST(html_meta_charset)
{
	static const char utf16[] = "From: a@example.org\nSubject: u16\n"
	    "Content-Type: text/plain; charset=utf-16\n"
	    "Content-Transfer-Encoding: base64\n\n//5IAGkAIAAcIOQAHSA=\n";
	struct md_mime m;

	parse_file("html_meta_charset.eml", 0, 0, &m);
	ck_assert_int_eq(m.html_only, 1);
	ck_assert_str_eq(m.subject, "Счёт");
	ck_assert_str_eq(m.text, "Здравствуйте,\n\nпрошу выставить счёт на оплату.");
	assert_has(m.html, "<p>Здравствуйте,</p>");
	md_mime_free(&m);

	parse_mem(utf16, sizeof utf16 - 1, 0, 0, &m);	/* BOM, NUL bytes */
	ck_assert_str_eq(m.text, "Hi “ä”");
	md_mime_free(&m);
}
END_TEST

/* Raw 8-bit GB2312 headers: decoded with the body's charset. */
START_TEST(raw_8bit_headers_use_body_charset)
{
	static const char latin[] = "From: Ren\xe9 <r@example.fr>\n"
	    "Subject: Caf\xe9\nContent-Type: text/plain; charset=iso-8859-1\n\n"
	    "ok\n";
	static const char files[] = "From: a@example.cn\nSubject: f\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: application/pdf; name=\"\xb7\xa2\xc6\xb1.pdf\"\n"
	    "Content-Disposition: attachment; filename=\"\xb7\xa2\xc6\xb1.pdf\"\n"
	    "\n%PDF\n"
	    "--b\nContent-Type: application/msword; name=\"\xba\xcf\xcd\xac.doc\"\n"
	    "\nDOC\n"
	    "--b\nContent-Type: text/plain; charset=gb2312\n\n\xb8\xbd\xbc\xfe\n"
	    "--b\nContent-Type: application/vnd.ms-excel\n"
	    "Content-Disposition: attachment; filename=\"清单.xls\"\n\nXLS\n--b--\n";
	struct md_mime m;

	parse_file("raw_8bit_gb2312_headers.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "关于发票的问题");
	ck_assert_str_eq(m.from_name, "客服中心");
	ck_assert_str_eq(m.from_addr, "service@example.cn");
	ck_assert_int_eq(m.from_count, 1);
	ck_assert_str_eq(m.text, "发票还没有开出来。\n");
	md_mime_free(&m);

	parse_mem(latin, sizeof latin - 1, 0, 0, &m);
	ck_assert_str_eq(m.subject, "Café");
	ck_assert_str_eq(m.from, "René <r@example.fr>");
	md_mime_free(&m);

	/* filenames too; a raw UTF-8 one is left as it is */
	parse_mem(files, sizeof files - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "附件");
	ck_assert_uint_eq(m.nattachments, 3);
	ck_assert_str_eq(m.attachments[0].filename, "发票.pdf");
	ck_assert_str_eq(m.attachments[1].filename, "合同.doc");
	ck_assert_str_eq(m.attachments[2].filename, "清单.xls");
	md_mime_free(&m);
}
END_TEST

/* Labels as they come: quoted, with comments, aliases, unknown. */
START_TEST(charset_labels)
{
	static const struct {
		const char	*cs;
		const char	*body;
		const char	*text;
	} c[] = {
		{ "\"UTF-8\"", "Gr\xc3\xbc\xc3\x9f" "e", "Grüße" },
		{ "utf8", "\xc3\xa9t\xc3\xa9", "été" },
		{ "us-ascii (Plain text)", "\xc3\xa9t\xc3\xa9", "été" },
		{ "iso-8859-1", "\x93q\x94 \xe9", "“q” é" },
		{ "ISO-8859-15", "\xa4 \xbd", "€ œ" },
		{ "iso-8859-7", "\xc1\xe8\xde\xed\xe1", "Αθήνα" },
		{ "iso-8859-9", "\xfe\xf0 \x80", "şğ €" },	/* as cp1254 */
		{ "windows-1252", "\x80\x85", "€…" },
		{ "x-mac-roman", "\x8e", "é" },
		{ "unicode-1-1-utf-7", "Hi +AOk-t+AOk-", "Hi été" },
		{ "iso-2022-kr", "\x1b$)C\x0e\x3e\x48\x0f!", "안!" },
		{ "x-unknown-8bit", "caf\xe9", "café" },
		{ "", "plain", "plain" },
	};
	char raw[512];
	struct md_mime m;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		snprintf(raw, sizeof raw, "From: a@example.org\nSubject: cs\n"
		    "MIME-Version: 1.0\nContent-Type: text/plain; charset=%s\n"
		    "Content-Transfer-Encoding: 8bit\n\n%s", c[i].cs, c[i].body);
		parse_mem(raw, strlen(raw), 0, 0, &m);
		ck_assert_msg(strcmp(m.text, c[i].text) == 0,
		    "charset %s: [%s], want [%s]", c[i].cs, m.text, c[i].text);
		md_mime_free(&m);
	}
}
END_TEST

/*
 * Raw 8-bit display names in Cc and Reply-To go the way From's do: a
 * Shift_JIS or Big5 name whose second byte is '\' (表 0x95 0x5C, 許 0xB3
 * 0x5C), read as windows-1252, escaped its closing quote and the address
 * after it was lost.  Latin-1 and UTF-8 names were and stay right.
 */
START_TEST(raw_8bit_cc_and_reply_to)
{
	static const char sjis[] = "From: \"\x95\x5c\" <f@example.jp>\n"
	    "Cc: \"\x95\x5c\" <x@example.jp>, \"\x83\x65\x83\x58\x83\x67\" "
	    "<t@example.jp>\nReply-To: \"\x95\x5c\" <r@example.jp>\n"
	    "Subject: s\nContent-Type: text/plain; charset=shift_jis\n\n"
	    "\x95\x5c\n";
	static const char big5[] = "From: f@example.tw\n"
	    "Cc: \"\xb3\x5c\" <x@example.tw>\nReply-To: \"\xb3\x5c\" "
	    "<r@example.tw>\nSubject: s\n"
	    "Content-Type: text/plain; charset=big5\n\n\xb3\x5c\n";
	static const char latin1[] = "From: \"M\xfcller, J\xfcrgen\" <j@example.de>\n"
	    "Cc: \"M\xfcller, J\xfcrgen\" <x@example.de>, Bj\xf6rn <b@example.de>\n"
	    "Reply-To: \"G\xf6tz\" <r@example.de>\n"
	    "Subject: s\nContent-Type: text/plain; charset=iso-8859-1\n\nok\n";
	static const char utf8[] = "From: \"Zo\xc3\xab\" <z@example.fr>\n"
	    "Cc: \"Zo\xc3\xab, A\" <x@example.fr>, \xe8\xa1\xa8 <t@example.fr>\n"
	    "Reply-To: \xc3\x89ric <r@example.fr>\nSubject: s\n"
	    "Content-Type: text/plain; charset=shift_jis\n\n\x95\x5c\n";
	struct md_mime m;

	parse_mem(sjis, sizeof sjis - 1, 0, 0, &m);
	ck_assert_str_eq(m.from, "表 <f@example.jp>");
	ck_assert_str_eq(m.cc, "x@example.jp, t@example.jp");
	ck_assert_str_eq(m.reply_to, "r@example.jp");
	md_mime_free(&m);

	parse_mem(big5, sizeof big5 - 1, 0, 0, &m);
	ck_assert_str_eq(m.cc, "x@example.tw");
	ck_assert_str_eq(m.reply_to, "r@example.tw");
	md_mime_free(&m);

	parse_mem(latin1, sizeof latin1 - 1, 0, 0, &m);
	ck_assert_str_eq(m.from, "Müller, Jürgen <j@example.de>");
	ck_assert_str_eq(m.cc, "x@example.de, b@example.de");
	ck_assert_str_eq(m.reply_to, "r@example.de");
	md_mime_free(&m);

	/* raw UTF-8 beside a Shift_JIS body is left to GMime */
	parse_mem(utf8, sizeof utf8 - 1, 0, 0, &m);
	ck_assert_str_eq(m.from, "Zoë <z@example.fr>");
	ck_assert_str_eq(m.cc, "x@example.fr, t@example.fr");
	ck_assert_str_eq(m.reply_to, "r@example.fr");
	md_mime_free(&m);
}
END_TEST

/* ---- RFC 2047 -------------------------------------------------------- */

START_TEST(rfc2047_words)
{
	static const char latin1[] = "From: a@example.org\n"
	    "Subject: =?iso-8859-1?Q?=93Hi=94_there?= =?us-ascii?q?ok?=\n\nx\n";
	static const char bad64[] = "From: =?utf-8?B?###?= <b@example.org>\n"
	    "Subject: =?utf-8?B?w6k?= and =?utf-8?X?what?= =?utf-8?B?====?=\n\nx\n";
	struct md_mime m;

	/* long, folded twelve times, words glued to each other */
	parse_file("rfc2047_long_folded.eml", 0, 0, &m);
	assert_has(m.subject, "Teil 1 über StraßeTeil 2 über Straße");
	assert_has(m.subject, "Teil 12 über Straße");
	assert_lacks(m.subject, "=?");
	ck_assert_str_eq(m.from_name, "Müller, Jürgen");	/* in quotes */
	ck_assert_str_eq(m.from_addr, "jm@example.de");
	md_mime_free(&m);

	/* no blank between words; a character split over padded B words;
	   "Re:" glued to a word; unpadded base64 */
	parse_file("rfc2047_glued_words.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "Re: Pièce jointe manquante [#12]");
	ck_assert_str_eq(m.from_name, "Éric");
	ck_assert_str_eq(m.from, "Éric <eric@example.fr>");
	ck_assert_str_eq(m.cc, "elodie@example.fr");
	ck_assert_str_eq(m.reply_to, "Service@example.fr");
	md_mime_free(&m);

	/* ISO-8859-1 words carry windows-1252 quotes in practice */
	parse_mem(latin1, sizeof latin1 - 1, 0, 0, &m);
	ck_assert_str_eq(m.subject, "“Hi” thereok");
	md_mime_free(&m);

	/* broken words: no crash, a sane record */
	parse_mem(bad64, sizeof bad64 - 1, 0, 0, &m);
	ck_assert_str_eq(m.from_addr, "b@example.org");
	assert_has(m.subject, "é and");
	md_mime_free(&m);
}
END_TEST

static Suite *
mime_charsets_suite(void)
{
	Suite *s = suite_create("mime_charsets");
	TCase *tc = tcase_create("mime_charsets");

	tcase_add_unchecked_fixture(tc, setup, md_mime_shutdown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, iso2022jp_with_rfc2047);
	tcase_add_test(tc, iso2022jp_raw_headers);
	tcase_add_test(tc, iso2022jp_windows_extensions);
	tcase_add_test(tc, shift_jis_is_cp932);
	tcase_add_test(tc, korean_outlook_label);
	tcase_add_test(tc, chinese_charsets);
	tcase_add_test(tc, cyrillic_and_central_european);
	tcase_add_test(tc, mislabelled_charsets);
	tcase_add_test(tc, charset_labels);
	tcase_add_test(tc, html_meta_charset);
	tcase_add_test(tc, raw_8bit_headers_use_body_charset);
	tcase_add_test(tc, raw_8bit_cc_and_reply_to);
	tcase_add_test(tc, rfc2047_words);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(mime_charsets_suite)
