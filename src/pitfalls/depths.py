"""What each `--depth` (`explanationDepth` in the editor) shows, with no imports: the language
server checks its settings against it before anything else of pitfalls is loaded."""

# The parts of the answer, in the order every front end shows them: `explain` in text, Markdown
# and JSON, and the editor's hover. The 30-second answer comes first on its own, so a reader can
# stop there; its key points follow it at every depth.
DEPTH_PARTS = {
    "30": ("answer_30s", "key_points", "fix"),
    "60": ("answer_30s", "key_points", "layer", "fix"),
    "full": ("answer_30s", "key_points", "layer", "follow_ups", "fix", "references"),
}
DEPTHS = tuple(DEPTH_PARTS)
