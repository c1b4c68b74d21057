package session_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeGoBlocksAreCompiledCode checks that every Go block in the
// README is an excerpt, whole lines verbatim, of a Go file of this
// repository, so the code a reader copies is code the build compiles:
// the quick start is examples/quickstart, the stores and routers are files
// of examples/readme (whose tests run them), the rest Example functions.
func TestReadmeGoBlocksAreCompiledCode(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlocks(string(readme))
	if len(blocks) < 15 {
		t.Fatalf("found %d Go blocks in the README; the parser is broken", len(blocks))
	}
	var files []string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files = append(files, string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if !excerptOfAny(b.lines, files) {
			t.Errorf("README line %d: this Go block is not an excerpt of any Go file, so nothing compiles it:\n%s",
				b.line, strings.Join(b.lines, "\n"))
		}
	}
}

type goBlock struct {
	line  int
	lines []string
}

// goBlocks returns the README's ```go blocks.
func goBlocks(text string) []goBlock {
	var blocks []goBlock
	var cur *goBlock
	for i, line := range strings.Split(text, "\n") {
		switch {
		case cur == nil && line == "```go":
			cur = &goBlock{line: i + 2}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, strings.TrimRight(line, " \t"))
		}
	}
	return blocks
}

// excerptOfAny reports whether block appears in one of files as
// consecutive whole lines, allowing the block to be indented less.
func excerptOfAny(block []string, files []string) bool {
	for _, f := range files {
		lines := strings.Split(f, "\n")
		for i := 0; i+len(block) <= len(lines); i++ {
			if excerptAt(block, lines[i:i+len(block)]) {
				return true
			}
		}
	}
	return false
}

func excerptAt(block, lines []string) bool {
	indent := ""
	first := strings.TrimRight(lines[0], " \t")
	if !strings.HasSuffix(first, block[0]) || strings.TrimLeft(first[:len(first)-len(block[0])], "\t") != "" {
		return false
	}
	indent = first[:len(first)-len(block[0])]
	for j, want := range block {
		got := strings.TrimRight(lines[j], " \t")
		if want == "" {
			if got != "" {
				return false
			}
			continue
		}
		if got != indent+want {
			return false
		}
	}
	return true
}
