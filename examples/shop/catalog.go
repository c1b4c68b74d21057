package main

import (
	"fmt"
	"slices"
)

// product is one item of the catalogue. Prices are in cents.
type product struct {
	ID    string
	Name  string
	Blurb string
	Price int
}

// maxQuantity bounds each cart line, which bounds the size of the cart in
// the cookie.
const maxQuantity = 99

// catalogue returns the products on sale, in display order.
func catalogue() []product {
	return []product{
		{"tea", "Green tea", "100 g of sencha, loose leaf.", 450},
		{"beans", "Coffee beans", "250 g, medium roast.", 990},
		{"mug", "Enamel mug", "Survives camping and dishwashers.", 1200},
		{"kettle", "Gooseneck kettle", "For the patient pour-over.", 3900},
	}
}

// cart is what the session keeps under "cart": product ID to quantity.
// It is a plain map so its JSON in the session is easy to read.
type cart map[string]int

// cartLine is one row of the cart as the pages show it.
type cartLine struct {
	Product  product
	Quantity int
	Subtotal int
}

// cartView is the cart as the pages show it: lines in catalogue order.
type cartView struct {
	Lines []cartLine
	Items int
	Total int
}

// view resolves c against the catalogue. IDs no longer on sale are left
// out.
func (c cart) view(products []product) cartView {
	var v cartView
	for _, p := range products {
		if n := c[p.ID]; n > 0 {
			v.Lines = append(v.Lines, cartLine{Product: p, Quantity: n, Subtotal: n * p.Price})
			v.Items += n
			v.Total += n * p.Price
		}
	}
	return v
}

// findProduct returns the product with id.
func findProduct(products []product, id string) (product, bool) {
	i := slices.IndexFunc(products, func(p product) bool { return p.ID == id })
	if i < 0 {
		return product{}, false
	}
	return products[i], true
}

// money formats cents as dollars: 1250 → "$12.50".
func money(cents int) string {
	return fmt.Sprintf("$%d.%02d", cents/100, cents%100)
}
