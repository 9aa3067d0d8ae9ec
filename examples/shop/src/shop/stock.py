"""Stock levels per warehouse and shelf."""


def stock_levels(warehouses, shelves, deliveries):
    levels = [[0] * shelves] * warehouses
    for warehouse, shelf, count in deliveries:
        levels[warehouse][shelf] += count
    return levels


def group_by_supplier(suppliers, products):
    groups = dict.fromkeys(suppliers, [])
    for supplier, product in products:
        groups[supplier].append(product)
    return groups
