package search

// TypeProject is the document type of projects.
//
// Deprecated: the projects module should declare its own (as places and
// auth do); kept until it does.
const TypeProject = "project"
