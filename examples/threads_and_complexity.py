"""Threads and complexity: the last round of questions. Try: pitfalls check examples/"""

import threading
from collections import deque

requests_served = 0


def serve(request):
    global requests_served
    requests_served += 1
    return request


workers = [threading.Thread(target=serve, args=(n,)) for n in range(8)]


def unknown_users(events, users):
    known = [user["id"] for user in users]
    return [event for event in events if event["user"] not in known]


def shortest_path(graph, start, goal):
    queue = [start]
    seen = {start}
    while queue:
        node = queue.pop(0)
        if node == goal:
            return True
        for neighbour in graph[node]:
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return False


class Report:
    def __init__(self):
        self.text = ""

    def render(self, rows):
        for row in rows:
            self.text += f"{row}\n"
        return self.text


def breadth_first(graph, start):
    order, queue = [], deque([start])
    while queue:
        order.append(queue.popleft())
    return order
