package search

// TypeProject is the document type of projects. It stays here until the
// projects module declares its own (as places and auth do): search holds
// no other module's names.
const TypeProject = "project"
