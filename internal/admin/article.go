package admin

// articleRoutes: the article list, the editor, the workflow, preview links,
// revisions and corrections.
func (a *Admin) articleRoutes() []route { return nil }
