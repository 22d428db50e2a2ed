package translit_test

import (
	"fmt"

	"github.com/dijalog/dijalog/internal/translit"
)

func ExampleFold() {
	k := translit.Fold("Завидовиќи")
	fmt.Printf("%q %q %q\n", k.Strict, k.Search, k.Extra)
	fmt.Println(translit.Fold("Đurđevac").Search, translit.Compact("Banja Luka"))
	// Output:
	// "zavidovici" "zavidovici" "zavidoviki"
	// durdevac banjaluka
}

func ExampleForScript() {
	fmt.Println(translit.ForScript("Ljubiša i Wi-Fi", "Cyrl"))
	fmt.Println(translit.ForScript("ЉУБЉАНА", "Latn"))
	// Output:
	// Љубиша и Wi-Fi
	// LJUBLJANA
}
