package auth

import (
	_ "embed"
	"strings"
)

// commonPasswords: "\n" and then the passwords of 12 or more characters
// among the 100,000 most common ones, lower-case, one per line
// (data/SOURCE.md). Shorter ones are refused by length, so they need no
// list.
//
//go:embed data/common-passwords.txt
var commonPasswords string

// isCommonPassword reports whether p, in lower case, is one of the most
// common passwords (a scan of the 7 KB embedded list).
func isCommonPassword(p string) bool {
	p = strings.ToLower(p)
	if p == "" || strings.ContainsRune(p, '\n') {
		return false
	}
	return strings.HasPrefix(commonPasswords, p+"\n") || strings.Contains(commonPasswords, "\n"+p+"\n")
}
