"""Stock levels per warehouse and shelf."""


def empty_levels(warehouses, shelves):
    return [[0] * shelves] * warehouses


def group_by_supplier(suppliers):
    return dict.fromkeys(suppliers, [])
