package projects

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the OpenAPI 3 document of the open-data API (projects and
// places); a test validates the handlers' real responses against it.
//
//go:embed openapi.json
var OpenAPI []byte

func (h *handlers) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(OpenAPI)
	return err
}
