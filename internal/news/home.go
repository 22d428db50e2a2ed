package news

import (
	"html/template"
	"net/http"

	"github.com/dijalog/dijalog/internal/web"
)

// homeArticles is how many articles the home page lists (fewer in the
// block of the visitor's LSG).
func homeArticles(lsg string) int {
	if lsg != "" {
		return 2
	}
	return 3
}

type homeData struct {
	Articles []ArticleView
	Total    int
	Mine     bool // the block of the visitor's LSG
	LSG      string
	ID       string
}

// HomeFor is the news module's block of the home page: the latest
// articles, in the reader's language where translated (lsg "": all;
// else those tagged with the LSG, and nothing when there are none).
func HomeFor(srv *web.Server, svc *Service) func(r *http.Request, lsg string) (template.HTML, error) {
	return func(r *http.Request, lsg string) (template.HTML, error) {
		as, total, err := svc.List(r.Context(), Filter{LSG: lsg, Limit: homeArticles(lsg)})
		if err != nil {
			return "", err
		}
		d := homeData{Articles: views(as, locale(r)), Total: total, Mine: lsg != "", LSG: lsg, ID: "home-news"}
		if d.Mine {
			if len(as) == 0 {
				return "", nil
			}
			d.ID = "mine-news"
		}
		return srv.Render.Fragment(r, "news/home", "home-news", d)
	}
}
