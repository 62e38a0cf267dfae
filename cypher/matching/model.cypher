// The one matching model: its definition and what training learned, each as JSON text.
// (no parameters) → definition: String, trained: String | null
MATCH (m:Matching {name: 'default'})
RETURN m.definition AS definition, m.trained AS trained
