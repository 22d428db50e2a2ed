package translit
import ("testing";"fmt")
func TestTry(t *testing.T){
 for _, s := range []string{"Banja Luka","Завидовиќи","Ѓорче Петров","Ǆemal","Gjykata Kushtetuese","Ё ё Й й Я","e\u0301g\u0301orče", "Ωμέγα Привет Ŧest ǅ ½ x²", "中文 한국어", "\xff\xfeab"} {
   fmt.Printf("%q → %+v | %q %q\n", s, Fold(s), FoldTokens(s), Compact(s))
 }
 for _, s := range []string{"ЉУБЉАНА","Љубиша","Љ","ЉУ","ЏУГАЊ","Ђурђевац"} { fmt.Println(ToLatin(s)) }
 for _, s := range []string{"nadživeti Nadživeti NADŽIVETI injekcija konjunkcija Tanjug odžak","Wi-Fi na pametnoj klupi","YouTube i Wikipedia","posjet na https://example.org/banja-luka","piši na info@opstina.ba","Petar II i Luj XIV, MI i VI","Facebook stranica opstina.ba"} { fmt.Println(ToCyrillic(s)) }
}
