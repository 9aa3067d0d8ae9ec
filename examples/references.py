"""Mutability and references: the questions interviews open with. Try: pitfalls check examples/"""


def is_read_only(method):
    return method in ("GET")


def new_user(name, first_role):
    user = (name, [])
    user[1] += [first_role]
    return user
