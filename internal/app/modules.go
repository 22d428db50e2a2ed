package app

import (
	"net/http"
)

// registerModules adds the domain modules' routes and the home page.
func (a *App) registerModules() error {
	a.Web.Page("GET /{$}", a.home)
	return nil
}

type homeData struct {
	LSGs int64
}

func (a *App) home(w http.ResponseWriter, r *http.Request) error {
	return a.Web.Render.Page(w, r, "web/home", homeData{})
}
