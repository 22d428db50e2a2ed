// Package translit implements Serbian Cyrillic–Latin display
// transliteration and the search fold of data/translit/README.md.
//
// Serbian text is stored once, as written; [ForScript] shows it in the
// reader's script with [ToLatin] (exact) or [ToCyrillic] (with exceptions
// for foreign words, URLs and split digraphs). Every searchable field and
// every query is reduced by [Fold] to ASCII keys that ignore script, case
// and diacritics, so that "Бања Лука", "banja luka" and "BANJA LUKA" meet,
// "Zepce" finds "Žepče" and Macedonian "Завидовиќи" finds "Zavidovići".
// Stored keys depend on [FoldVersion].
//
// All functions are safe for concurrent use and accept invalid UTF-8
// without panicking.
package translit
