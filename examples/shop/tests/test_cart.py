from shop.cart import Cart, add_line


def make_lines(*skus, into=[]):
    for sku in skus:
        into.append((sku, 1))
    return into


def test_add_line_returns_the_new_line():
    assert add_line("apple", 2, []) == [("apple", 2)]


def test_discounts_are_shared():
    first, second = Cart("ann"), Cart("bob")
    first.add_discount("WELCOME")
    assert second.discounts == ["WELCOME"]


def test_lines_by_owner():
    by_owner = dict.fromkeys(["ann", "bob"], [])
    by_owner["ann"].append(add_line("pear", 1, []))
    assert by_owner["bob"] == [[("pear", 1)]]
