package app

import (
	"net/http"

	"github.com/dijalog/dijalog/internal/places"
)

// registerModules builds the domain modules and adds their routes and the
// home page.
func (a *App) registerModules() error {
	a.Places = places.NewService(a.DB)
	if err := places.Register(a.Web, a.Places, a.Auth); err != nil {
		return err
	}
	a.Web.Page("GET /{$}", a.home)
	return nil
}

type homeData struct {
	LSGs int64
}

func (a *App) home(w http.ResponseWriter, r *http.Request) error {
	n, err := a.Places.Count(r.Context())
	if err != nil {
		return err
	}
	return a.Web.Render.Page(w, r, "web/home", homeData{LSGs: int64(n)})
}
