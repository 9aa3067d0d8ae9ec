"""What several rules share, built on the model: mutation, copies, calls and thread launches."""
