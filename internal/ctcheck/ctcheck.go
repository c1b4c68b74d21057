// Package ctcheck finds MACs, signatures, tags and session IDs compared in
// variable time. Comparing such a value with ==, !=, bytes.Equal or
// strings.Compare stops at the first differing byte, so the time a
// rejection takes tells an attacker how much of a forged value was right;
// crypto/hmac.Equal and crypto/subtle.ConstantTimeCompare do not.
//
// The check is syntactic, so it goes by names: an operand is secret when its
// name (a variable, a field, the function that produced it, the value a
// conversion or slice starts from) contains one of the words mac, hmac,
// sig, signature, tag, digest or token, or names a session ID (id, sid,
// sessionID, rawID, ...; a userID or keyID is not one). Comparisons with a
// constant, nil, a composite literal or a length are not findings: they
// reveal nothing about the secret's bytes. What the names get wrong is put
// right by an allowlist whose entries say why.
//
//	findings, err := ctcheck.Dir(".", allowlist)
package ctcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

// Finding is one comparison of a secret that does not run in constant
// time.
type Finding struct {
	// File is the file's path, relative to the directory checked, with
	// forward slashes.
	File string
	// Line is the comparison's line.
	Line int
	// Func is the enclosing function ("Type.Method" for a method), "" at
	// package level.
	Func string
	// Expr is the comparison as source text, formatted by go/printer.
	Expr string
	// Secret is the operand that looks secret.
	Secret string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s compares %s in variable time; use hmac.Equal or subtle.ConstantTimeCompare, or allowlist it with the reason", f.File, f.Line, f.Expr, f.Secret)
}

// Allow is an allowlist entry: the comparison Expr (as Finding.Expr shows
// it) in function Func of File is not a timing leak, for Reason.
type Allow struct {
	File, Func, Expr string
	Reason           string
}

// variableTime lists the functions that compare their arguments byte by
// byte and stop early, by package and name.
var variableTime = map[string]map[string]bool{
	"bytes":   {"Equal": true, "Compare": true, "EqualFold": true, "HasPrefix": true, "HasSuffix": true},
	"strings": {"Compare": true, "EqualFold": true, "HasPrefix": true, "HasSuffix": true},
	"slices":  {"Equal": true, "Compare": true},
	"reflect": {"DeepEqual": true},
}

// secretWords are the words of a name that mark a MAC, signature or tag.
var secretWords = map[string]bool{
	"mac": true, "macs": true, "hmac": true, "sig": true, "sigs": true, "signature": true, "signatures": true,
	"tag": true, "tags": true, "digest": true, "token": true, "tokens": true,
}

// publicIDs are the words that, before "id", make it an identifier that is
// not a secret: a user's ID, a key's ID (written in clear in every cookie),
// a request's ID.
var publicIDs = map[string]bool{
	"user": true, "key": true, "request": true, "req": true, "trace": true, "span": true, "node": true,
	"process": true, "product": true, "item": true, "order": true, "device": true, "agent": true, "client": true,
}

// Dir checks every non-test Go file under root, skipping testdata and
// hidden directories, and returns the findings the allowlist does not
// cover. An allowlist entry that covers nothing is returned as an error, so
// the list cannot outlive the code it excuses.
func Dir(root string, allow []Allow) ([]Finding, error) {
	byDir := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var all []Finding
	for _, paths := range byDir {
		fset := token.NewFileSet()
		var files []*ast.File
		names := map[*ast.File]string{}
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
			names[f] = filepath.ToSlash(rel)
		}
		all = append(all, check(fset, files, names)...)
	}
	return filter(all, allow)
}

// Files checks parsed files of one package; Finding.File is the file name
// the FileSet knows.
func Files(fset *token.FileSet, files []*ast.File) []Finding {
	names := map[*ast.File]string{}
	for _, f := range files {
		names[f] = fset.Position(f.Pos()).Filename
	}
	return check(fset, files, names)
}

// filter drops allowed findings and reports unused allowlist entries.
func filter(all []Finding, allow []Allow) ([]Finding, error) {
	used := make([]bool, len(allow))
	var out []Finding
	for _, f := range all {
		ok := false
		for i, a := range allow {
			if a.File == f.File && a.Func == f.Func && a.Expr == f.Expr {
				if strings.TrimSpace(a.Reason) == "" {
					return nil, fmt.Errorf("ctcheck: allowlist entry for %s in %s has no reason", a.Expr, a.File)
				}
				used[i], ok = true, true
			}
		}
		if !ok {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	for i, a := range allow {
		if !used[i] {
			return out, fmt.Errorf("ctcheck: allowlist entry %q in %s (%s) matches no comparison; remove it", a.Expr, a.File, a.Func)
		}
	}
	return out, nil
}

// check finds the variable-time comparisons of secrets in the files of
// one package.
func check(fset *token.FileSet, files []*ast.File, names map[*ast.File]string) []Finding {
	consts := constNames(files)
	var out []Finding
	for _, f := range files {
		imports := importNames(f)
		for _, decl := range f.Decls {
			fn := funcName(decl)
			ast.Inspect(decl, func(n ast.Node) bool {
				var operands []ast.Expr
				switch e := n.(type) {
				case *ast.BinaryExpr:
					if e.Op != token.EQL && e.Op != token.NEQ {
						return true
					}
					if constant(e.X, consts) || constant(e.Y, consts) {
						return true
					}
					operands = []ast.Expr{e.X, e.Y}
				case *ast.CallExpr:
					sel, ok := e.Fun.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					pkg, ok := sel.X.(*ast.Ident)
					if !ok || !variableTime[imports[pkg.Name]][sel.Sel.Name] {
						return true
					}
					for _, a := range e.Args {
						if constant(a, consts) {
							return true
						}
					}
					operands = e.Args
				default:
					return true
				}
				for _, op := range operands {
					if name := operandName(op); secretName(name) {
						out = append(out, Finding{
							File:   names[f],
							Line:   fset.Position(n.Pos()).Line,
							Func:   fn,
							Expr:   source(fset, n),
							Secret: name,
						})
						break
					}
				}
				return true
			})
		}
	}
	return out
}

// constNames returns the names declared const anywhere in the files.
func constNames(files []*ast.File) map[string]bool {
	consts := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if d, ok := n.(*ast.GenDecl); ok && d.Tok == token.CONST {
				for _, s := range d.Specs {
					for _, name := range s.(*ast.ValueSpec).Names {
						consts[name.Name] = true
					}
				}
			}
			return true
		})
	}
	return consts
}

// importNames maps the names a file uses for its imports to their paths.
func importNames(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, imp := range f.Imports {
		path := strings.Trim(imp.Path.Value, `"`)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		m[name] = path
	}
	return m
}

func funcName(decl ast.Decl) string {
	fd, ok := decl.(*ast.FuncDecl)
	if !ok {
		return ""
	}
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		}
		break
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + fd.Name.Name
	}
	return fd.Name.Name
}

// constant reports whether e reveals nothing about a secret's bytes when
// compared with it: a literal, nil, true or false, a declared constant, a
// composite literal (the zero value) or a length.
func constant(e ast.Expr, consts map[string]bool) bool {
	switch x := e.(type) {
	case *ast.BasicLit, *ast.CompositeLit:
		return true
	case *ast.ParenExpr:
		return constant(x.X, consts)
	case *ast.Ident:
		return x.Name == "nil" || x.Name == "true" || x.Name == "false" || consts[x.Name]
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") {
			return true
		}
		if len(x.Args) == 1 && conversion(x.Fun) {
			return constant(x.Args[0], consts)
		}
	case *ast.UnaryExpr:
		return constant(x.X, consts)
	case *ast.BinaryExpr:
		return constant(x.X, consts) && constant(x.Y, consts)
	}
	return false
}

// conversion reports whether fun looks like a type in a conversion:
// string(b), []byte(s), [4]byte(b).
func conversion(fun ast.Expr) bool {
	switch x := fun.(type) {
	case *ast.ArrayType:
		return true
	case *ast.Ident:
		switch x.Name {
		case "string", "byte", "rune", "int", "int64", "uint64", "uint32", "uint8":
			return true
		}
	case *ast.ParenExpr:
		return conversion(x.X)
	}
	return false
}

// operandName returns the name that says what an operand holds: the
// variable or field, the function whose result it is, or what a slice,
// index or conversion starts from.
func operandName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.ParenExpr:
		return operandName(x.X)
	case *ast.StarExpr:
		return operandName(x.X)
	case *ast.UnaryExpr:
		return operandName(x.X)
	case *ast.IndexExpr:
		return operandName(x.X)
	case *ast.SliceExpr:
		return operandName(x.X)
	case *ast.CallExpr:
		if len(x.Args) == 1 && conversion(x.Fun) {
			return operandName(x.Args[0])
		}
		return operandName(x.Fun)
	}
	return ""
}

// secretName reports whether a name names a MAC, signature, tag, digest,
// token or session ID.
func secretName(name string) bool {
	words := splitWords(name)
	for i, w := range words {
		if secretWords[w] {
			return true
		}
		if (w == "id" || w == "ids") && (i == 0 || !publicIDs[words[i-1]]) {
			return true
		}
		if w == "sid" || w == "sids" {
			return true
		}
	}
	return false
}

// splitWords splits a Go name into lower-case words at underscores and
// case changes: "appendMAC" is append, mac; "sessionID" is session, id;
// "HMACKey" is hmac, key.
func splitWords(name string) []string {
	var words []string
	rs := []rune(name)
	start := 0
	flush := func(end int) {
		if end > start {
			words = append(words, strings.ToLower(string(rs[start:end])))
		}
		start = end
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '_':
			flush(i)
			start = i + 1
		case i > start && unicode.IsUpper(r):
			prevLower := !unicode.IsUpper(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || nextLower {
				flush(i)
			}
		}
	}
	flush(len(rs))
	return words
}

func source(fset *token.FileSet, n ast.Node) string {
	var b strings.Builder
	printer.Fprint(&b, fset, n)
	return b.String()
}
