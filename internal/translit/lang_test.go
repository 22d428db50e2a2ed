package translit

import "testing"

func TestLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Trnovo staff project", LangEnglish},
		{"Swiss Agency for Development and Cooperation", LangEnglish},
		{"Basic drinking water supply and basic sanitation", LangEnglish},
		{"Public sector policy and administrative management", LangEnglish},
		{"European Union Delegation to BiH", LangEnglish},
		{"Delegacija Evropske unije u BiH", LangSouthSlavic},
		{"Švicarska agencija za razvoj i saradnju", LangSouthSlavic},
		{"Lokalna agencija za demokratiju Mostar", LangSouthSlavic},
		{"Trnovo", LangSouthSlavic}, // syllabic r
		{"Vlada Federacije Bosne i Hercegovine", LangSouthSlavic},
		{"Ambasada Ujedinjenog Kraljevstva", LangSouthSlavic},
		{"Plani i veprimit të komunës për qeverisjen e mirë", LangAlbanian},
		{"Komuna e Mostarit miratoi planin dhe vendimin", LangAlbanian},
		{"Mostar", LangUnknown},
		{"Porticus", LangUnknown},
		{"Sida", LangUnknown},
		{"", LangUnknown},
		{"2025-01 – 2026-06", LangUnknown},
		{"Делегација Европске уније у БиХ", LangSerbianCyr},
		{"Општината ќе го поддржи проектот", LangMacedonianCyr},
		{"Град Бања Лука", LangUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Language(tt.in); got != tt.want {
				t.Errorf("Language(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzLanguage(f *testing.F) {
	for _, s := range []string{"Trnovo staff project", "Plani i veprimit", "Делегација", "\xff\xfe", "ë"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		switch Language(s) {
		case LangUnknown, LangEnglish, LangAlbanian, LangSouthSlavic, LangSerbianCyr, LangMacedonianCyr:
		default:
			t.Fatalf("Language(%q) is not one of the classes", s)
		}
	})
}
