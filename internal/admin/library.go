package admin

// libraryRoutes: media, authors, categories and tags.
func (a *Admin) libraryRoutes() []route { return nil }
